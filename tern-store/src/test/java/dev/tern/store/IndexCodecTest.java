package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IndexCodecTest {
    private static final Instant DATE = Instant.parse("2024-05-01T10:00:00.123Z");

    static Stream<IndexRecord> everyKind() {
        return Stream.of(
                new IndexRecord.Init(1_700_000_000L),
                new IndexRecord.Append(1, "1700000000.Q1.mx.test:2,S", DATE, 1234, Set.of("\\Seen", "$Label"), 2),
                new IndexRecord.Append(0xFFFF_FFFFL, "jörg's ☃ file", DATE, 0, Set.of(), Long.MAX_VALUE),
                new IndexRecord.Flags(7, Set.of("\\Flagged", "\\Deleted", "keyword"), 9),
                new IndexRecord.Flags(7, Set.of(), 10),
                new IndexRecord.Expunge(List.of(3L, 5L, 8L), 11),
                new IndexRecord.Expunge(List.of(), 12),
                new IndexRecord.State(4, 100, 200, 50),
                new IndexRecord.End(42));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyRecordKindRoundTrips(IndexRecord record) {
        IndexCodec.Decoded decoded = IndexCodec.decode(IndexCodec.frame(List.of(record)));
        assertThat(decoded.transactions()).containsExactly(List.of(record));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void aTransactionOfManyRecordsIsOneFrame(IndexRecord record) {
        List<IndexRecord> transaction = List.of(record, record, new IndexRecord.End(1));
        byte[] frame = IndexCodec.frame(transaction);
        assertThat(IndexCodec.decode(frame)).isEqualTo(new IndexCodec.Decoded(List.of(transaction), frame.length));
    }

    /** A damaged file: how many of the three transactions survive, and where the valid part ends. */
    static Stream<Arguments> damage() {
        return Stream.of(
                // name                          | damage                                   | transactions kept
                Arguments.of("intact", (Damage) f -> f, 3),
                Arguments.of("torn tail: half a header", (Damage) f -> Arrays.copyOf(f, f.length - frameLength(2) + 4), 2),
                Arguments.of("torn tail: payload cut", (Damage) f -> Arrays.copyOf(f, f.length - 3), 2),
                Arguments.of("bad CRC in the last frame", (Damage) f -> flip(f, f.length - 1), 2),
                Arguments.of("bad CRC in the middle stops there", (Damage) f -> flip(f, frameLength(0) + 12), 1),
                Arguments.of("length beyond the file", (Damage) f -> putInt(f, frameLength(0) + frameLength(1), 1 << 20), 2),
                Arguments.of("negative length", (Damage) f -> putInt(f, 0, -5), 0),
                Arguments.of("zeros after a preallocation", (Damage) f -> Arrays.copyOf(f, f.length + 64), 3),
                Arguments.of("garbage appended", (Damage) f -> concat(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 3),
                Arguments.of("empty file", (Damage) f -> new byte[0], 0));
    }

    @FunctionalInterface
    interface Damage {
        byte[] apply(byte[] file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damage")
    void recoveryKeepsTheTransactionsBeforeTheFirstBadFrame(String name, Damage damage, int kept) {
        byte[] file = damage.apply(threeTransactions());

        IndexCodec.Decoded decoded = IndexCodec.decode(file);

        assertThat(decoded.transactions()).hasSize(kept);
        long valid = 0;
        for (int i = 0; i < kept; i++) valid += frameLength(i);
        assertThat(decoded.validLength()).isEqualTo(valid);
    }

    private static List<List<IndexRecord>> transactions() {
        return List.of(
                List.of(new IndexRecord.Init(9)),
                List.of(new IndexRecord.Append(1, "a", DATE, 3, Set.of(), 2), new IndexRecord.Append(2, "b", DATE, 4, Set.of(), 2)),
                List.of(new IndexRecord.Flags(1, Set.of("\\Seen"), 3)));
    }

    private static int frameLength(int i) {
        return IndexCodec.frame(transactions().get(i)).length;
    }

    private static byte[] threeTransactions() {
        List<byte[]> frames = new ArrayList<>();
        for (List<IndexRecord> t : transactions()) frames.add(IndexCodec.frame(t));
        return concat(concat(frames.get(0), frames.get(1)), frames.get(2));
    }

    private static byte[] flip(byte[] f, int at) {
        byte[] copy = f.clone();
        copy[at] ^= 0x40;
        return copy;
    }

    private static byte[] putInt(byte[] f, int at, int value) {
        byte[] copy = f.clone();
        ByteBuffer.wrap(copy).putInt(at, value);
        return copy;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
