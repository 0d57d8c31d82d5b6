package dev.tern.server;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.Reply;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The content checks of each message between the SMTP session and the spool (issue 9): authentication of the
 * sender (SPF, DKIM, DMARC, ARC) recorded in {@code Authentication-Results:}, DKIM signing of submitted mail, and
 * the mail filters (milters). One {@link Inspection} per message: it begins when the header section has arrived,
 * sees the body as it streams past, and at the end of the data decides, before anything is fsynced, what the
 * header section becomes and whether the message is taken.
 *
 * <p>Called on the connection's thread; an inspection may use its own virtual threads (DNS lookups overlap the
 * body). Never throws for anything a peer sends: a check that cannot be made says so in its decision.
 */
public interface MessageInspector {
    /** No checks: the header section is kept as received. */
    MessageInspector NONE = (facts, headerSection) -> new Inspection() {
        @Override
        public void body(byte[] buffer, int offset, int length) {
            // Nothing to look at.
        }

        @Override
        public Decision finish(Envelope envelope) {
            return new Decision.Accept(headerSection, false);
        }
    };

    /**
     * Begins the checks of one message.
     *
     * @param headerSection the header section as received (the empty line that ends it included, when there is
     *                      one), after the fields a submission server adds (Date:, Message-ID:); without our
     *                      {@code Received:} field
     */
    Inspection begin(MessageFacts facts, byte[] headerSection);

    /** The checks of one message; {@link #body} zero or more times, then {@link #finish} at most once. */
    interface Inspection {
        /** The body, as it arrives after the header section (CRLF line endings, dot-unstuffed). */
        void body(byte[] buffer, int offset, int length);

        /** The data has ended and passed the protocol's checks: decide. */
        Decision finish(Envelope envelope);

        /** The transaction ended without {@link #finish} (RSET, a dropped connection): release what is held. */
        default void abandon() {}
    }

    /**
     * What the session knows of the message's origin.
     *
     * @param connection        the connection's id, for logs
     * @param client            the client's address
     * @param helo              the HELO/EHLO argument as given
     * @param tls               TLS protects the session
     * @param authenticatedUser present after AUTH (submission)
     * @param submission        the listener is a submission one (RFC 6409), not the MX
     * @param trustedNetwork    the client is in the relay networks (an application host): its mail is ours
     * @param reversePath       the MAIL FROM
     * @param recipients        the RCPT TO addresses accepted
     * @param id                the queue id the message will have
     */
    record MessageFacts(String connection, InetAddress client, String helo, boolean tls,
                        Optional<String> authenticatedUser, boolean submission, boolean trustedNetwork,
                        ReversePath reversePath,
                        List<Recipient> recipients, QueueId id) {
        public MessageFacts {
            if (connection == null || client == null || helo == null || authenticatedUser == null
                    || reversePath == null || id == null) {
                throw new IllegalArgumentException("message facts need all their fields");
            }
            recipients = List.copyOf(recipients);
        }
    }

    /** What becomes of the message. */
    sealed interface Decision {
        /**
         * Taken: {@code headerSection} (whole fields, each ending in CRLF, then the empty line when the message had
         * one) is stored in place of the one received, below our {@code Received:} field.
         *
         * @param quarantine local delivery puts it into the recipient's Junk folder (DMARC quarantine, a filter)
         */
        record Accept(byte[] headerSection, boolean quarantine) implements Decision {}

        /** Refused with a 4yz or 5yz reply; nothing is stored. */
        record Refuse(Reply reply) implements Decision {
            public Refuse {
                if (!reply.isError()) throw new IllegalArgumentException("a refusal needs a 4yz or 5yz reply");
            }
        }

        /** Acknowledged with 250 and thrown away (a filter's DISCARD, as Postfix does). */
        record Discard(String reason) implements Decision {}
    }
}
