package dev.tern.app.control;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState;
import dev.tern.spool.SpooledMessage;
import java.time.Instant;
import java.util.List;

/**
 * One queued message as {@code tern queue} shows it.
 *
 * @param envelope    the reverse-path, the recipients in envelope order and the MAIL FROM options
 * @param recipients  one state per envelope recipient, same order, with its last diagnostic
 * @param attempts    delivery attempts that failed temporarily so far
 * @param nextAttempt when the queue runner tries again
 * @param held        the message is on hold (never delivered until released), as the spool records it
 */
public record QueueEntry(QueueId id, Envelope envelope, List<RecipientState> recipients, Instant accepted,
                         long size, int attempts, Instant nextAttempt, boolean held) {
    public QueueEntry {
        if (id == null || envelope == null || accepted == null || nextAttempt == null) {
            throw new IllegalArgumentException("null queue entry part");
        }
        recipients = List.copyOf(recipients);
        if (size < 0 || attempts < 0) throw new IllegalArgumentException("negative size or attempts");
    }

    public static QueueEntry of(SpooledMessage message) {
        return new QueueEntry(message.id(), message.envelope(), message.recipients(), message.accepted(),
                message.size(), message.attempts(), message.nextAttempt(), message.held());
    }
}
