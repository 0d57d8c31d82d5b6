package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The structure cache: what a reopened folder finds in {@code tern-index.cache}, and what it does with damage. */
class StructureCacheTest {
    private static final Path SAMPLES = Path.of("src/test/resources/mime");

    @TempDir
    Path temp;

    private static MessageStructure sample(String name) throws IOException {
        return StructureParser.parse(MessageFiles.openCrlf(SAMPLES.resolve(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alternative.eml", "eightbit-headers.eml", "encoded-words.eml", "groups.eml",
            "malformed.eml", "missing-headers.eml", "mixed-attachment.eml", "nested-rfc822.eml", "no-separator.eml",
            "simple.eml"})
    void everySampleSurvivesTheCodecAndAReopen(String name) throws IOException {
        MessageStructure parsed = sample(name);
        assertThat(StructureCodec.decode(ByteBuffer.wrap(StructureCodec.encode(parsed)))).isEqualTo(parsed);
        try (StructureCache cache = new StructureCache(temp, 7, uid -> true)) {
            cache.put(3, parsed);
        }
        try (StructureCache reopened = new StructureCache(temp, 7, uid -> true)) {
            assertThat(reopened.get(3)).contains(parsed);
            assertThat(reopened.get(4)).isEmpty();
        }
    }

    @Test
    void anotherUidValidityStartsTheFileAgain() throws IOException {
        try (StructureCache cache = new StructureCache(temp, 7, uid -> true)) {
            cache.put(1, sample("simple.eml"));
        }
        try (StructureCache rebuilt = new StructureCache(temp, 8, uid -> true)) {
            assertThat(rebuilt.get(1)).isEmpty(); // UID 1 of UIDVALIDITY 8 is another message
            assertThat(rebuilt.entriesOnDisk()).isZero();
        }
    }

    // Damage anywhere: the entries before it are kept, the damaged one and what follows are parsed again.
    @ParameterizedTest
    @ValueSource(strings = {"torn tail", "flipped octet", "garbage length", "empty file", "garbage file"})
    void damageCostsAParseNeverAWrongStructure(String damage) throws IOException {
        MessageStructure first = sample("simple.eml");
        MessageStructure second = sample("mixed-attachment.eml");
        try (StructureCache cache = new StructureCache(temp, 7, uid -> true)) {
            cache.put(1, first);
            cache.put(2, second);
        }
        Path file = temp.resolve(StructureCache.FILE);
        long size = Files.size(file);
        long secondAt = size - (IndexCodec.HEADER + 8 + StructureCodec.encode(second).length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            switch (damage) {
                case "torn tail" -> channel.truncate(size - 5);
                case "flipped octet" -> channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xA5}), size - 20);
                case "garbage length" -> channel.write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE), secondAt);
                case "empty file" -> channel.truncate(0);
                case "garbage file" -> channel.write(ByteBuffer.wrap("not a cache at all".getBytes()), 0);
                default -> throw new AssertionError(damage);
            }
        }
        boolean headerLost = damage.endsWith("file");
        try (StructureCache reopened = new StructureCache(temp, 7, uid -> true)) {
            if (headerLost) assertThat(reopened.get(1)).isEmpty();
            else assertThat(reopened.get(1)).contains(first);
            assertThat(reopened.get(2)).isEmpty();
            reopened.put(2, second); // parsed again, appended after the cut
        }
        try (StructureCache again = new StructureCache(temp, 7, uid -> true)) {
            assertThat(again.get(2)).contains(second);
        }
    }

    @Test
    void entriesOfExpungedUidsAreCompactedAway() throws IOException {
        MessageStructure structure = sample("simple.eml");
        int count = 3 * StructureCache.MIN_COMPACT;
        try (StructureCache cache = new StructureCache(temp, 7, uid -> true)) {
            for (int uid = 1; uid <= count; uid++) cache.put(uid, structure);
        }
        long full = Files.size(temp.resolve(StructureCache.FILE));
        Set<Long> live = new HashSet<>();
        for (long uid = count - 100 + 1; uid <= count; uid++) live.add(uid);
        // Reopened after the others were expunged by an earlier process: the dead outnumber the live.
        try (StructureCache reopened = new StructureCache(temp, 7, live::contains)) {
            assertThat(reopened.entriesOnDisk()).isEqualTo(100);
            assertThat(Files.size(temp.resolve(StructureCache.FILE))).isLessThan(full / 10);
            assertThat(reopened.get(count)).contains(structure);
            assertThat(reopened.get(1)).isEmpty();
            for (long uid : live) reopened.remove(uid);
        }
        try (StructureCache emptied = new StructureCache(temp, 7, uid -> true)) {
            assertThat(emptied.get(count)).contains(structure); // 100 dead: not worth a rewrite yet
        }
    }

    @Test
    void memoryIsBoundedAndTheFileServesWhatWasDropped() throws IOException {
        MessageStructure structure = sample("mixed-attachment.eml");
        long one = StructureCodec.encode(structure).length * 4L + 64;
        try (StructureCache cache = new StructureCache(temp, 7, uid -> true, one * 10)) {
            for (int uid = 1; uid <= 100; uid++) cache.put(uid, structure);
            for (int uid = 1; uid <= 100; uid++) assertThat(cache.get(uid)).as("uid %d", uid).contains(structure);
        }
    }
}
