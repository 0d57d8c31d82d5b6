package dev.tern.spool;

/**
 * How the spool uses its disk.
 *
 * @param fsync        false only for tests that measure something else; production is always true
 * @param segmentBytes a log segment is closed and a new one started once it holds this much; space is
 *                     reclaimed a whole segment at a time, so smaller segments free space sooner
 * @param memoryBytes  message content up to this size is held in memory while being received; larger
 *                     content goes to a spill file first
 */
public record SpoolSettings(boolean fsync, long segmentBytes, int memoryBytes) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Above 1 MiB so that a 1 MiB message plus its added headers stays in memory. */
    public static final int DEFAULT_MEMORY_BYTES = 2 << 20;

    public SpoolSettings {
        if (segmentBytes < 4096) throw new IllegalArgumentException("segmentBytes below 4096");
        if (memoryBytes < 0) throw new IllegalArgumentException("negative memoryBytes");
    }

    /** The defaults with the given fsync choice. */
    public SpoolSettings(boolean fsync) {
        this(fsync, DEFAULT_SEGMENT_BYTES, DEFAULT_MEMORY_BYTES);
    }

    public static SpoolSettings defaults() {
        return new SpoolSettings(true);
    }
}
