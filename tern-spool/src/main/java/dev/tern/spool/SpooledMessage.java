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
 */
public record SpooledMessage(QueueId id, Envelope envelope, List<RecipientState> recipients, Instant accepted,
                             int attempts, Instant nextAttempt, long size, boolean recovered) {
    public SpooledMessage {
        recipients = List.copyOf(recipients);
    }
}
