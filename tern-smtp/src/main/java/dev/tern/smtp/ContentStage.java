package dev.tern.smtp;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Where the content of a message goes between the session and the spool: the place for content policy (hop
 * count, header size, the fields a submission server adds; later DKIM, DMARC and milters) and for storing the
 * message durably. The session opens one {@link Content} per transaction when DATA or the first BDAT chunk
 * arrives and owns it until the transaction ends: it is stored at the end of data or discarded when the
 * transaction is abandoned (RSET, EHLO, STARTTLS, an error, the end of the connection).
 *
 * <p>Called on the connection's thread, one call at a time per session.
 */
public interface ContentStage {
    /** Opens the content of the current transaction's message. */
    Content open(Opening opening);

    /**
     * What the session knows of the transaction when its content begins.
     *
     * @param authenticatedUser present when the client authenticated (RFC 6409 submission)
     * @param helo              the name the client gave in HELO/EHLO (a domain or an address literal, as sent)
     * @param tls               TLS protects the session
     * @param reversePath       the transaction's MAIL FROM
     * @param recipients        the recipients accepted so far (all of them for DATA; BDAT takes no more after it)
     * @param received          makes the transaction's {@code Received:} field once the content has a queue id
     */
    record Opening(Optional<String> authenticatedUser, String helo, boolean tls, ReversePath reversePath,
                   List<Recipient> recipients, TraceField received) {
        public Opening {
            if (authenticatedUser == null || helo == null || reversePath == null || received == null) {
                throw new IllegalArgumentException("an opening needs all its fields");
            }
            recipients = List.copyOf(recipients);
        }
    }

    /** The {@code Received:} field (RFC 5321 §4.4) of the transaction, ending in CRLF. */
    @FunctionalInterface
    interface TraceField {
        String format(QueueId id, ZonedDateTime when);
    }

    /**
     * The content of one message as it arrives, decoded (no dot-stuffing, CRLF line endings). A write failure
     * (a full disk) is remembered and reported by {@link #store}, so the client's data is still read to its end.
     */
    interface Content extends ByteSink {
        /**
         * The content is complete and passed the protocol's checks: apply content policy and store the message
         * with {@code envelope}. {@link Stored.Queued} only once message and envelope are durable (fsynced).
         */
        Stored store(Envelope envelope);

        /** Throws away a message that was not stored; after {@link #store} it does nothing. Idempotent. */
        void discard();
    }

    /** What became of a message at the end of its data. */
    sealed interface Stored {
        /** Durably queued under {@code id}. */
        record Queued(QueueId id) implements Stored {}

        /** Refused by content policy or storage: a 4yz or 5yz reply, the transaction ends. */
        record Refused(Reply reply) implements Stored {
            public Refused {
                if (!reply.isError()) throw new IllegalArgumentException("a refusal needs a 4yz or 5yz reply");
            }
        }
    }
}
