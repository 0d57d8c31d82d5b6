package dev.tern.app.control;

import dev.tern.mail.Domain;
import dev.tern.mail.QueueId;

/** What {@code tern queue flush} asks to be attempted now (Postfix: {@code postqueue -f}, {@code -i}, {@code -s}). */
public sealed interface FlushTarget {
    /** Every queued message. */
    record All() implements FlushTarget {}

    /** One message. */
    record Message(QueueId id) implements FlushTarget {
        public Message {
            if (id == null) throw new IllegalArgumentException("no queue id");
        }
    }

    /** Every message with a recipient still pending at this domain. */
    record ToDomain(Domain domain) implements FlushTarget {
        public ToDomain {
            if (domain == null) throw new IllegalArgumentException("no domain");
        }
    }
}
