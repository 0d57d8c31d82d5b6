package dev.tern.spool;

import java.time.Duration;

/**
 * How the spool uses its disk.
 *
 * @param fsync         false only for tests that measure something else; production is always true
 * @param segmentBytes  a log segment is closed and a new one started once it holds this much; space is
 *                      reclaimed a whole segment at a time, so smaller segments free space sooner
 * @param memoryBytes   message content up to this size is held in memory while being received; larger
 *                      content goes to a spill file first
 * @param minFreeBytes  the free-space reserve (Postfix's {@code queue_minfree}): a new message is refused
 *                      (452 4.3.1) when accepting it would leave less than this free on the spool's file
 *                      system, so that delivery (a Maildir on the same disk), state records and compaction
 *                      still have room; 0 turns the check off
 * @param reclaimAfter  the active segment is closed once it is this old and mostly finished (live content
 *                      under half of it), so that delivered content is reclaimed within about this time
 *                      and not only every {@code segmentBytes}
 */
public record SpoolSettings(boolean fsync, long segmentBytes, int memoryBytes, long minFreeBytes,
                            Duration reclaimAfter) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Above 1 MiB so that a 1 MiB message plus its added headers stays in memory. */
    public static final int DEFAULT_MEMORY_BYTES = 2 << 20;
    /**
     * Room to deliver a whole segment of queued mail (64 MiB) before its space comes back, plus two messages of
     * the default size limit (32 MiB): delivering copies content to the Maildir before the spool can free it.
     */
    public static final long DEFAULT_MIN_FREE_BYTES = 128L << 20;
    public static final Duration DEFAULT_RECLAIM_AFTER = Duration.ofSeconds(1);

    public SpoolSettings {
        if (segmentBytes < 4096) throw new IllegalArgumentException("segmentBytes below 4096");
        if (memoryBytes < 0) throw new IllegalArgumentException("negative memoryBytes");
        if (minFreeBytes < 0) throw new IllegalArgumentException("negative minFreeBytes");
        if (reclaimAfter.isNegative() || reclaimAfter.isZero()) {
            throw new IllegalArgumentException("reclaimAfter must be positive");
        }
    }

    /** The given sizes, with the default reserve and reclaim time. */
    public SpoolSettings(boolean fsync, long segmentBytes, int memoryBytes) {
        this(fsync, segmentBytes, memoryBytes, DEFAULT_MIN_FREE_BYTES, DEFAULT_RECLAIM_AFTER);
    }

    /** The defaults with the given fsync choice. */
    public SpoolSettings(boolean fsync) {
        this(fsync, DEFAULT_SEGMENT_BYTES, DEFAULT_MEMORY_BYTES);
    }

    public static SpoolSettings defaults() {
        return new SpoolSettings(true);
    }

    public SpoolSettings withMinFreeBytes(long bytes) {
        return new SpoolSettings(fsync, segmentBytes, memoryBytes, bytes, reclaimAfter);
    }

    public SpoolSettings withReclaimAfter(Duration after) {
        return new SpoolSettings(fsync, segmentBytes, memoryBytes, minFreeBytes, after);
    }
}
