package dev.tern.net;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * The failures of one listener's {@code accept()} (EMFILE when out of descriptors, ENFILE, ENOBUFS), reported at
 * most once per interval: the first at once, then the count of those since, so a descriptor shortage that makes
 * every accept fail writes one line per interval instead of ten a second. Used only by the listener's accept
 * thread, so it needs no lock.
 */
public final class AcceptFailures {
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final long intervalNanos;
    private boolean reported;
    private long lastReport;
    private int since;

    public AcceptFailures(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Counts a failure at {@code nanoTime}; when it is time to report, the number of failures the report covers
     * (this one and those not reported since the last report).
     */
    public OptionalInt failed(long nanoTime) {
        since++;
        if (reported && nanoTime - lastReport < intervalNanos) return OptionalInt.empty();
        reported = true;
        lastReport = nanoTime;
        int count = since;
        since = 0;
        return OptionalInt.of(count);
    }
}
