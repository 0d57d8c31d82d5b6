package dev.tern.app.control;

import dev.tern.mail.QueueId;

/** How a queue operation that changes something went. */
public sealed interface ControlResult {
    /** Done for {@code messages} messages. */
    record Done(int messages) implements ControlResult {
        public Done {
            if (messages < 0) throw new IllegalArgumentException("negative count");
        }
    }

    /** No queued message has this id (never queued, or finished meanwhile). */
    record NotFound(QueueId id) implements ControlResult {
        public NotFound {
            if (id == null) throw new IllegalArgumentException("no queue id");
        }
    }

    /** This server cannot do {@code operation} yet; {@code reason} says why, for the operator. */
    record Unsupported(String operation, String reason) implements ControlResult {
        public Unsupported {
            if (operation == null || reason == null) throw new IllegalArgumentException("null part");
        }
    }
}
