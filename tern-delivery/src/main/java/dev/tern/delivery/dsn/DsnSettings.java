package dev.tern.delivery.dsn;

/**
 * How DSNs are composed.
 *
 * @param returnLimit the most octets of the original message a DSN carries. A failed message no larger than
 *                    this comes back whole (RET=FULL or no RET); a larger one, and every RET=HDRS, delay or
 *                    success report, brings back only its header section, cut after the last whole line that
 *                    fits. Postfix's {@code bounce_size_limit} default, 50,000; 0 returns nothing.
 */
public record DsnSettings(int returnLimit) {
    /** Kept in memory while a DSN is composed, so bounded. */
    public static final int MAX_RETURN_LIMIT = 16 * 1024 * 1024;

    public DsnSettings {
        if (returnLimit < 0 || returnLimit > MAX_RETURN_LIMIT) {
            throw new IllegalArgumentException("returnLimit must be 0.." + MAX_RETURN_LIMIT);
        }
    }

    public static DsnSettings defaults() {
        return new DsnSettings(50_000);
    }
}
