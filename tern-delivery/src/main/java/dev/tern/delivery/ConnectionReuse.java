package dev.tern.delivery;

import java.time.Duration;

/**
 * Bounds of the outbound connection cache (QUEUE-SHAPE.md §2 "Reuse"; Postfix's {@code smtp_connection_cache_*}).
 * A connection is kept open after a transaction only for back-to-back deliveries to the same destination.
 *
 * @param maxIdle            how long an unused connection stays open (Postfix's
 *                           {@code smtp_connection_cache_time_limit}, 2 s); zero turns the cache off
 * @param maxMessages        transactions over one connection before it is closed (Postfix: no limit by default;
 *                           Tern 100, so one connection does not carry a destination's whole queue forever)
 * @param maxAge             the longest a connection is used, however busy (Postfix's
 *                           {@code smtp_connection_reuse_time_limit}, 300 s)
 * @param maxIdleConnections idle connections kept open in all, every destination together
 */
public record ConnectionReuse(Duration maxIdle, int maxMessages, Duration maxAge, int maxIdleConnections) {
    public ConnectionReuse {
        if (maxIdle.isNegative() || maxAge.isNegative()) throw new IllegalArgumentException("durations must not be negative");
        if (maxMessages < 1 || maxIdleConnections < 0) throw new IllegalArgumentException("limits must be positive");
    }

    public static ConnectionReuse defaults() {
        return new ConnectionReuse(Duration.ofSeconds(2), 100, Duration.ofSeconds(300), 100);
    }

    /** No reuse: each delivery opens its own connection and says QUIT after it. */
    public static ConnectionReuse off() {
        return new ConnectionReuse(Duration.ZERO, 1, Duration.ZERO, 0);
    }

    boolean enabled() {
        return !maxIdle.isZero() && maxIdleConnections > 0 && maxMessages > 1;
    }
}
