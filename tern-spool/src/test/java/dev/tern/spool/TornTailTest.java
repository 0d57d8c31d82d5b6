package dev.tern.spool;

import static dev.tern.spool.Fixtures.NO_FSYNC;
import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static dev.tern.spool.Fixtures.readContent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState.Status;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A crash can leave any prefix of the last, unflushed batch on disk. Recovery must keep every earlier record,
 * drop the torn one, and leave a log that later commits extend and later opens read cleanly.
 */
class TornTailTest {
    @TempDir
    Path dir;

    private QueueId first;
    private QueueId second;
    private final byte[] firstBody = content("first", 200);
    private final byte[] secondBody = content("second", 150);

    /** Writes two messages and a state change; returns where the last record (the state change or the
     * second message) starts and the segment's full length. */
    private long[] writeTwoMessages(Path spoolDir, boolean endWithStateRecord) throws IOException {
        try (Spool spool = Spool.open(spoolDir, NO_FSYNC)) {
            first = commit(spool, envelope(2), firstBody);
            long lastStart;
            if (endWithStateRecord) {
                second = commit(spool, envelope(1), secondBody);
                lastStart = Files.size(lastSegment(spoolDir));
                spool.complete(first, 0, Status.DELIVERED, "250 ok");
            } else {
                lastStart = Files.size(lastSegment(spoolDir));
                second = commit(spool, envelope(1), secondBody);
            }
            return new long[] {lastStart, Files.size(lastSegment(spoolDir))};
        }
    }

    @ParameterizedTest(name = "last record is a state record: {0}")
    @ValueSource(booleans = {false, true})
    void recoversAfterTheLogIsCutAtEveryByteOfTheLastRecord(boolean endWithStateRecord) throws IOException {
        Path original = dir.resolve("original");
        long[] span = writeTwoMessages(original, endWithStateRecord);
        Path segment = lastSegment(original);
        for (long cut = span[0]; cut <= span[1]; cut++) {
            Path copy = dir.resolve("cut-" + cut);
            copyDirectory(original, copy);
            try (var channel = FileChannel.open(copy.resolve(segment.getFileName()), StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
            boolean whole = cut == span[1];
            try (Spool spool = Spool.open(copy, NO_FSYNC)) {
                assertRecovered(spool, endWithStateRecord, whole, cut);
                commit(spool, envelope(1), content("after" + cut, 64)); // the log goes on after the cut
            }
            try (Spool spool = Spool.open(copy, NO_FSYNC)) {
                assertRecovered(spool, endWithStateRecord, whole, cut);
                assertThat(spool.pending()).as("cut at %d", cut).hasSize(endWithStateRecord || whole ? 3 : 2);
            }
        }
    }

    private void assertRecovered(Spool spool, boolean endWithStateRecord, boolean whole, long cut) throws IOException {
        assertThat(spool.pending()).as("cut at %d", cut).startsWith(first);
        assertThat(readContent(spool, first)).isEqualTo(firstBody);
        if (endWithStateRecord) {
            assertThat(readContent(spool, second)).isEqualTo(secondBody);
            Status firstRecipient = spool.read(first).recipients().getFirst().status();
            assertThat(firstRecipient).as("cut at %d", cut).isEqualTo(whole ? Status.DELIVERED : Status.PENDING);
        } else if (whole) {
            assertThat(readContent(spool, second)).isEqualTo(secondBody);
        } else {
            assertThat(spool.pending()).as("cut at %d", cut).doesNotContain(second);
        }
    }

    @ParameterizedTest(name = "flipped byte at {0} bytes before the end")
    @ValueSource(ints = {1, 10, 100, 160, 170, 180})
    void corruptedLastRecordIsDroppedAndEarlierOnesKept(int fromEnd) throws IOException {
        writeTwoMessages(dir, false);
        Path segment = lastSegment(dir);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - fromEnd] ^= 0x20;
        Files.write(segment, bytes);
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(spool.pending()).containsExactly(first);
            assertThat(readContent(spool, first)).isEqualTo(firstBody);
        }
    }

    @ParameterizedTest(name = "segment of {0} bytes")
    @ValueSource(ints = {0, 1, 8, 15, 16})
    void segmentTornWhileBeingCreatedIsIgnored(int length) throws IOException {
        writeTwoMessages(dir, false);
        Path last = lastSegment(dir);
        String name = last.getFileName().toString();
        long number = Long.parseLong(name.substring("segment-".length(), name.length() - ".log".length()));
        Path torn = dir.resolve("segment-%012d.log".formatted(number + 1));
        Files.write(torn, new byte[length]);
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(spool.pending()).containsExactly(first, second);
        }
    }

    @Test
    void segmentOfAnotherFormatStopsOpen() throws IOException {
        writeTwoMessages(dir, false);
        byte[] bytes = Files.readAllBytes(lastSegment(dir));
        bytes[11] = 9; // version 9
        Files.write(lastSegment(dir), bytes);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Spool.open(dir, NO_FSYNC))
                .isInstanceOf(IOException.class).hasMessageContaining("not a version 1 or 2 spool segment");
        // The lock was released: a fixed spool can be opened by the same process.
        bytes[11] = 2;
        Files.write(lastSegment(dir), bytes);
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(spool.pending()).containsExactly(first, second);
        }
    }

    static Path lastSegment(Path spoolDir) throws IOException {
        try (Stream<Path> files = Files.list(spoolDir)) {
            List<Path> segments = files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
            // The newest segment is the empty one the last open started; the records are in the one before,
            // unless the spool is still open.
            for (int i = segments.size() - 1; i >= 0; i--) {
                if (Files.size(segments.get(i)) > Segments.HEADER_BYTES) return segments.get(i);
            }
            return segments.getLast();
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
