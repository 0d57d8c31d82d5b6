package dev.tern.server;

import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Telemetry.Refusal;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import java.util.Map;

/**
 * The reason of an SMTP refusal, for the metrics (docs/metrics.md): the known replies by what they are, the rest
 * by their RFC 3463 enhanced status and their class. Only on the path of a 4xx or 5xx reply.
 */
final class RefusalReason {
    private RefusalReason() {}

    private static final Map<Reply, Refusal> KNOWN = Map.ofEntries(
            Map.entry(Replies.RELAY_DENIED, Refusal.RELAY_DENIED),
            Map.entry(Replies.UNKNOWN_USER, Refusal.UNKNOWN_USER),
            Map.entry(Replies.NO_SUCH_USER, Refusal.UNKNOWN_USER),
            Map.entry(Replies.TOO_BIG, Refusal.SIZE),
            Map.entry(Replies.HEADER_TOO_LARGE, Refusal.SIZE),
            Map.entry(Replies.TOO_MANY_MESSAGES_PER_HOUR, Refusal.RATE_LIMIT),
            Map.entry(Replies.TOO_MANY_RECIPIENTS_PER_HOUR, Refusal.RATE_LIMIT),
            Map.entry(Replies.TOO_MANY_MESSAGES, Refusal.RATE_LIMIT),
            Map.entry(Replies.TOO_MANY_RECIPIENTS, Refusal.RATE_LIMIT),
            Map.entry(Replies.TOO_MANY_ERRORS, Refusal.RATE_LIMIT),
            Map.entry(Replies.AUTH_REQUIRED, Refusal.AUTH_REQUIRED),
            Map.entry(Replies.SENDER_NOT_OWNED, Refusal.SENDER_NOT_OWNED),
            Map.entry(Replies.AUTH_FAILED, Refusal.AUTH_FAILED),
            Map.entry(Replies.AUTH_UNAVAILABLE, Refusal.AUTH_FAILED),
            Map.entry(Replies.STORAGE_FULL, Refusal.STORAGE),
            Map.entry(Replies.STORAGE_FAILED, Refusal.STORAGE),
            Map.entry(Replies.CHECKS_FAILED, Refusal.CHECKS_UNAVAILABLE),
            Map.entry(Replies.LOOP, Refusal.LOOP),
            Map.entry(Replies.ENCRYPTION_REQUIRED, Refusal.TLS_REQUIRED),
            Map.entry(Replies.REQUIRETLS_NEEDS_TLS, Refusal.TLS_REQUIRED));

    /** Timeouts and shutdown say goodbye with 421 (RFC 5321 §3.8, §4.5.3.2): an ending, not a refusal. */
    private static final EnhancedStatus TIMEOUT = EnhancedStatus.of(4, 4, 2);
    private static final EnhancedStatus SHUTTING_DOWN = EnhancedStatus.of(4, 3, 2);

    /** Whether {@code reply} refuses something: 4xx or 5xx, other than a timeout's or a shutdown's goodbye. */
    static boolean refuses(Reply reply) {
        if (reply.code() < 400) return false;
        return !(reply.code() == 421 && (TIMEOUT.equals(reply.status()) || SHUTTING_DOWN.equals(reply.status())));
    }

    /**
     * Why {@code reply} refused, which {@link #refuses} holds for; {@code afterContent}: it answers the end of a
     * message's content, where a 5.7.x is the content checks' verdict (SPF, DKIM, DMARC, a milter).
     */
    static Refusal of(Reply reply, boolean afterContent) {
        Refusal known = KNOWN.get(reply);
        if (known != null) return known;
        EnhancedStatus status = reply.status();
        boolean temporary = reply.code() < 500;
        if (status == null) return temporary ? Refusal.OTHER_TEMPORARY : Refusal.OTHER_PERMANENT;
        if (afterContent && status.subject() == 7) return Refusal.CONTENT_REJECTED;
        if (reply.code() == 503) return Refusal.SEQUENCE;
        // RFC 3463: X.5.x is a protocol (syntax) error; X.1.3 and X.1.7 are bad address syntax, X.6.7 a non-ASCII one.
        if (status.subject() == 5 || (status.subject() == 1 && (status.detail() == 3 || status.detail() == 7))
                || (status.subject() == 6 && status.detail() == 7)) {
            return Refusal.SYNTAX;
        }
        // The SRS checks and similar RCPT policies: relaying not allowed for this address (X.7.1).
        if (!afterContent && status.subject() == 7 && status.detail() == 1 && reply.code() == 550) {
            return Refusal.RELAY_DENIED;
        }
        return temporary ? Refusal.OTHER_TEMPORARY : Refusal.OTHER_PERMANENT;
    }
}
