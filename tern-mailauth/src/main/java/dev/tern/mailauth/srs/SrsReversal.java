package dev.tern.mailauth.srs;

import dev.tern.mail.Mailbox;

/** What an address at our SRS domain turned out to be when a bounce came back to it. */
public sealed interface SrsReversal {
    /** Not an SRS address (no {@code SRS0}/{@code SRS1} prefix): an ordinary recipient. */
    record NotSrs() implements SrsReversal {}

    /**
     * A valid SRS address; {@code mailbox} is where the bounce goes: the original sender for {@code SRS0}, the
     * previous forwarder's {@code SRS0} address for {@code SRS1}.
     */
    record Original(Mailbox mailbox) implements SrsReversal {
        public Original {
            if (mailbox == null) throw new IllegalArgumentException("no mailbox");
        }
    }

    /** An SRS address we did not make or no longer honour: forged hash, expired timestamp, malformed. */
    record Invalid(Reason reason) implements SrsReversal {
        public Invalid {
            if (reason == null) throw new IllegalArgumentException("no reason");
        }
    }

    enum Reason { BAD_HASH, EXPIRED, MALFORMED }

    SrsReversal NOT_SRS = new NotSrs();
}
