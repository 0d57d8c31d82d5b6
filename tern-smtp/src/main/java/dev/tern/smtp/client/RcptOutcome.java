package dev.tern.smtp.client;

import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Recipient;
import dev.tern.smtp.Reply;

/**
 * What one transaction did for one recipient. Each carries the reply that decided it; {@code fromServer}
 * says whether that reply is the server's (a DSN's Diagnostic-Code, RFC 3464 §2.3.6) or Tern's own, for a
 * precondition the client checked or a connection it lost ({@link ClientReplies}).
 */
public sealed interface RcptOutcome {
    Recipient recipient();

    Reply reply();

    boolean fromServer();

    /** The enhanced status (RFC 3463), or {@code X.0.0} of the reply's class when the server gave none. */
    default EnhancedStatus status() {
        return reply().enhanced().orElseGet(() -> EnhancedStatus.of(reply().code() / 100, 0, 0));
    }

    /** Accepted at RCPT and then by the reply to the end of the data (RFC 5321 §4.1.1.4); the reply is that one. */
    record Delivered(Recipient recipient, Reply reply) implements RcptOutcome {
        public Delivered {
            if (recipient == null || reply == null || reply.code() / 100 != 2) throw new IllegalArgumentException("delivered needs a 2yz reply");
        }

        @Override
        public boolean fromServer() {
            return true;
        }
    }

    /** A temporary failure: try again later (4yz, and RCPT 552 per RFC 5321 §4.5.3.1.10). */
    record Deferred(Recipient recipient, Reply reply, boolean fromServer) implements RcptOutcome {
        public Deferred {
            if (recipient == null || reply == null || !reply.isError()) throw new IllegalArgumentException("deferred needs an error reply");
        }
    }

    /** A permanent failure (5yz): the sender gets a DSN. */
    record Failed(Recipient recipient, Reply reply, boolean fromServer) implements RcptOutcome {
        public Failed {
            if (recipient == null || reply == null || reply.code() / 100 != 5) throw new IllegalArgumentException("failed needs a 5yz reply");
        }
    }

    /**
     * RFC 5321 §4.5.3.1.10: the server's recipient limit (452, or 552 read as 452) in a transaction that
     * accepted others. Not a failure: send this recipient again at once in a new transaction. {@code reply} is
     * the limit reply; a recipient not even tried after it (lock-step) carries the same reply.
     */
    record OverLimit(Recipient recipient, Reply reply) implements RcptOutcome {
        public OverLimit {
            if (recipient == null || reply == null || !reply.isError()) throw new IllegalArgumentException("over limit needs an error reply");
        }

        @Override
        public boolean fromServer() {
            return true;
        }
    }

    /** A 4yz reply defers, a 5yz fails. */
    static RcptOutcome ofError(Recipient recipient, Reply reply, boolean fromServer) {
        if (reply.code() / 100 == 5) return new Failed(recipient, reply, fromServer);
        return new Deferred(recipient, reply, fromServer);
    }
}
