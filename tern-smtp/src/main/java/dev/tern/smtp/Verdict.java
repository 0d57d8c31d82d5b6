package dev.tern.smtp;

import dev.tern.mail.Mailbox;

/**
 * A policy's answer to a recipient: accept it, accept it for delivery to another mailbox, or refuse it with a
 * reply (4yz to defer, 5yz to reject).
 */
public sealed interface Verdict {
    Verdict ACCEPT = new Accept();

    record Accept() implements Verdict {}

    /**
     * Accepted, but the message goes to {@code mailbox} instead (a bounce to an SRS address goes to the original
     * sender). The session records {@code mailbox} as the recipient and the address the client gave as its
     * ORCPT (RFC 3461 §4.2), unless the client gave one. The new mailbox is relayed to without further
     * checks, so only a policy that proved the rewrite (an SRS hash) may answer this.
     */
    record AcceptAs(Mailbox mailbox) implements Verdict {
        public AcceptAs {
            if (mailbox == null) throw new IllegalArgumentException("no mailbox");
        }
    }

    record Reject(Reply reply) implements Verdict {
        public Reject {
            if (!reply.isError()) throw new IllegalArgumentException("a rejection needs a 4yz or 5yz reply");
        }
    }
}
