package dev.tern.spool;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import java.time.Instant;
import java.util.List;

/**
 * What one record of the segment log says (docs/spool.md, "Records"). A message record carries the full
 * state of the message, so that compaction can move a long-retrying message to a newer segment by writing it
 * again; state records change a message recorded earlier.
 */
sealed interface LogRecord {
    QueueId id();

    /** A committed message: envelope, state at the time of writing, and the length and CRC32C of its content,
     * which follows the record's metadata in the log. */
    record Message(QueueId id, Instant accepted, Envelope envelope, List<RecipientState> recipients, int attempts,
                   Instant nextAttempt, long contentLength, int contentCrc, int flags) implements LogRecord {
        public Message {
            recipients = List.copyOf(recipients);
            if (recipients.size() != envelope.recipients().size()) {
                throw new IllegalArgumentException("one state per recipient");
            }
            if (contentLength < 0 || attempts < 0) throw new IllegalArgumentException("negative length or attempts");
        }
    }

    /** Recipient {@code index} reached a final status. */
    record Complete(QueueId id, int index, RecipientState.Status status, String diagnostic) implements LogRecord {
        public Complete {
            if (status == RecipientState.Status.PENDING) throw new IllegalArgumentException("PENDING is not final");
        }
    }

    /**
     * An attempt failed temporarily; the still pending recipients wait until {@code nextAttempt}. An empty
     * {@code diagnostic} leaves each recipient's own (from its {@link Attempt}) as it is.
     */
    record Defer(QueueId id, Instant nextAttempt, String diagnostic) implements LogRecord {}

    /** Recipient {@code index} was tried: its history grows, and while pending its diagnostic is the attempt's. */
    record Attempt(QueueId id, int index, RecipientState.Attempt attempt) implements LogRecord {}

    /** The message's flags are now {@code flags} ({@link SpooledMessage#HELD}, {@link SpooledMessage#DELAY_WARNED}). */
    record Flags(QueueId id, int flags) implements LogRecord {}
}
