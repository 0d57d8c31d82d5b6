package dev.tern.mail;

/**
 * The reverse-path of MAIL FROM (RFC 5321 §4.1.2): either the null path {@code <>}, used by bounces
 * (RFC 5321 §4.5.5), or a mailbox.
 */
public sealed interface ReversePath {
    /** The null reverse-path {@code <>}. */
    ReversePath NULL = new Null();

    record Null() implements ReversePath {
        @Override
        public String toString() {
            return "<>";
        }
    }

    record Sender(Mailbox mailbox) implements ReversePath {
        public Sender {
            if (mailbox == null) throw new IllegalArgumentException("no mailbox");
        }

        @Override
        public String toString() {
            return "<" + mailbox + ">";
        }
    }

    static ReversePath of(Mailbox mailbox) {
        return new Sender(mailbox);
    }
}
