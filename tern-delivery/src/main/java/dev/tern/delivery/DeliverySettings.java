package dev.tern.delivery;

import java.time.Duration;

/**
 * The queue runner's settings.
 *
 * @param concurrency    messages delivered at once: each holds its slot through about three fsyncs (the file,
 *                       the shared one of {@code new/}, the spool's shared commit), so keeping pace with a
 *                       burst of N accepting sessions takes several slots per session
 * @param firstRetry     delay after the first temporary failure; doubles each attempt
 * @param maxRetry       the longest delay between attempts
 * @param maxQueueTime   how long a message may stay queued before it bounces (RFC 5321 §4.5.4.1: 4-5 days)
 * @param delayWarning   after how long a still queued message gets the sender one delay warning (RFC 3464
 *                       "delayed", where NOTIFY allows: no NOTIFY means FAILURE,DELAY); zero turns them off
 */
public record DeliverySettings(int concurrency, Duration firstRetry, Duration maxRetry,
                               Duration maxQueueTime, Duration delayWarning) {
    public DeliverySettings {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be positive");
        if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("retry delays must be positive and maxRetry >= firstRetry");
        }
        if (maxQueueTime.compareTo(maxRetry) < 0) throw new IllegalArgumentException("maxQueueTime must be >= maxRetry");
        if (delayWarning.isNegative()) throw new IllegalArgumentException("delayWarning must not be negative");
    }

    /** With delay warnings after 4 hours, as Postfix's {@code delay_warning_time} when turned on. */
    public DeliverySettings(int concurrency, Duration firstRetry, Duration maxRetry, Duration maxQueueTime) {
        this(concurrency, firstRetry, maxRetry, maxQueueTime, Duration.ofHours(4));
    }

    public DeliverySettings withDelayWarning(Duration value) {
        return new DeliverySettings(concurrency, firstRetry, maxRetry, maxQueueTime, value);
    }

    public static DeliverySettings defaults() {
        // 64: at 16, a burst from 10 sessions (~1,000 msgs/s) filled every slot and queued up behind the fsyncs.
        return new DeliverySettings(64, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(5));
    }
}
