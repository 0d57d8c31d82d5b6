package dev.tern.delivery;

import java.time.Duration;

/**
 * The queue runner's settings.
 *
 * @param concurrency    messages delivered at once
 * @param firstRetry     delay after the first temporary failure; doubles each attempt
 * @param maxRetry       the longest delay between attempts
 * @param maxQueueTime   how long a message may stay queued before it bounces (RFC 5321 §4.5.4.1: 4-5 days)
 */
public record DeliverySettings(int concurrency, Duration firstRetry, Duration maxRetry,
                               Duration maxQueueTime) {
    public DeliverySettings {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be positive");
        if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("retry delays must be positive and maxRetry >= firstRetry");
        }
        if (maxQueueTime.compareTo(maxRetry) < 0) throw new IllegalArgumentException("maxQueueTime must be >= maxRetry");
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(16, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(5));
    }
}
