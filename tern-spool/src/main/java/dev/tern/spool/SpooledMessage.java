package dev.tern.spool;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import java.time.Instant;
import java.util.List;

/**
 * A committed message as the spool knows it.
 *
 * @param recipients  one state per envelope recipient, same order
 * @param attempts    delivery attempts that were deferred so far
 * @param nextAttempt when the next attempt is due ({@code accepted} for a new message)
 * @param recovered   true when the spool found this message at open() and it may have been partly delivered
 *                    before a crash (deliverers then check for an existing copy)
 * @param flags       {@link #HELD}, {@link #DELAY_WARNED}, {@link #QUARANTINE}
 */
public record SpooledMessage(QueueId id, Envelope envelope, List<RecipientState> recipients, Instant accepted,
                             int attempts, Instant nextAttempt, long size, boolean recovered, int flags) {
    /** An operator holds the message (like Postfix's hold queue): it is not delivered until released. */
    public static final int HELD = 1;
    /** The sender was sent a delay warning for it (RFC 3464 "delayed"): at most one per message. */
    public static final int DELAY_WARNED = 2;
    /**
     * Content policy (DMARC {@code p=quarantine}, a filter's quarantine) set it on receipt: local delivery puts the
     * message into the recipient's Junk folder instead of the INBOX.
     */
    public static final int QUARANTINE = 4;

    public SpooledMessage {
        recipients = List.copyOf(recipients);
    }

    public boolean held() {
        return (flags & HELD) != 0;
    }

    public boolean delayWarned() {
        return (flags & DELAY_WARNED) != 0;
    }

    public boolean quarantined() {
        return (flags & QUARANTINE) != 0;
    }
}
