package dev.tern.server;

/**
 * Hourly limits on submitted mail (issue #3), counted by {@link SubmissionLimits}. They apply to sessions on the
 * submission and SMTPS listeners and to authenticated sessions on the SMTP listener; mail received from other
 * servers is never limited this way. Immutable; {@link #defaults()} are a hosting provider's usual numbers.
 *
 * @param maxMessagesPerUser   messages an authenticated user may start (MAIL accepted) per hour
 * @param maxRecipientsPerUser recipients an authenticated user may name (RCPT accepted) per hour
 * @param maxMessagesPerIp     messages per hour from one client address (IPv4) or /64 network (IPv6), all
 *                             users together; the exempt networks of {@link ServerSettings} are not limited
 * @param maxRecipientsPerIp   recipients per hour from one client address or /64 network
 * @param maxTrackedKeys       users, and separately networks, whose counts are kept; past it the least recently
 *                             active is forgotten, so memory stays bounded (under 1 KB each)
 */
public record SubmissionLimitSettings(int maxMessagesPerUser, int maxRecipientsPerUser, int maxMessagesPerIp,
                                      int maxRecipientsPerIp, int maxTrackedKeys) {
    public static final int DEFAULT_TRACKED_KEYS = 10_000;

    public SubmissionLimitSettings {
        positive(maxMessagesPerUser, "maxMessagesPerUser");
        positive(maxRecipientsPerUser, "maxRecipientsPerUser");
        positive(maxMessagesPerIp, "maxMessagesPerIp");
        positive(maxRecipientsPerIp, "maxRecipientsPerIp");
        positive(maxTrackedKeys, "maxTrackedKeys");
    }

    /** The four hourly limits, with the default number of tracked keys. */
    public SubmissionLimitSettings(int maxMessagesPerUser, int maxRecipientsPerUser, int maxMessagesPerIp,
                                   int maxRecipientsPerIp) {
        this(maxMessagesPerUser, maxRecipientsPerUser, maxMessagesPerIp, maxRecipientsPerIp, DEFAULT_TRACKED_KEYS);
    }

    /** 200 messages and 1,000 recipients an hour per user; twice that per address, for a few users behind one NAT. */
    public static SubmissionLimitSettings defaults() {
        return new SubmissionLimitSettings(200, 1000, 400, 2000);
    }

    private static void positive(int value, String name) {
        if (value < 1) throw new IllegalArgumentException(name + " must be at least 1");
    }
}
