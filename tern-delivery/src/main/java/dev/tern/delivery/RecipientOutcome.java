package dev.tern.delivery;

import dev.tern.mail.EnhancedStatus;

/**
 * What became of one recipient of a delivery attempt ({@code index} is its place in the envelope). The queue,
 * the logs, the DSNs and the queue CLI are all built from these values.
 */
public sealed interface RecipientOutcome {
    /** A remote server's reply starts with its code; Tern's own texts get their status in front. */
    private static String withStatus(EnhancedStatus status, String text) {
        return text.length() > 3 && Character.isDigit(text.charAt(0)) && text.charAt(3) == ' ' ? text : status + " " + text;
    }

    int index();

    /** Where the attempt went ("mx.example.net[192.0.2.1]", "local"); empty when nothing was reached. */
    String host();

    /** A line for the log, the queue listing and the recipient's history: the status and what was said. */
    String diagnostic();

    /** Stored in a local mailbox (RFC 3464 action "delivered"). */
    record Delivered(int index, String host, String detail) implements RecipientOutcome {
        public String diagnostic() {
            return "2.0.0 " + detail;
        }
    }

    /**
     * Accepted by the next hop (RFC 3464 "relayed" when it did not offer DSN, so no further notice can come;
     * "delivered" is for the next hop to report when it did). {@code reply} is the remote's final reply.
     */
    record Relayed(int index, String host, String reply, boolean dsnPassedOn) implements RecipientOutcome {
        public String diagnostic() {
            return reply;
        }
    }

    /** Not delivered this time; tried again later (4yz, a timeout, DNS trouble). */
    record TemporaryFailure(int index, EnhancedStatus status, String host, String text) implements RecipientOutcome {
        public TemporaryFailure {
            if (status.statusClass() != 4) throw new IllegalArgumentException("a temporary failure has a 4.x.x status");
        }

        public String diagnostic() {
            return withStatus(status, text);
        }
    }

    /**
     * Not tried: the destination had no free connection slot (its limit, or the global one). Not an attempt: the
     * message comes back in a moment, its back-off and attempt count untouched.
     */
    record Postponed(int index, String host, String reason) implements RecipientOutcome {
        public String diagnostic() {
            return "4.4.5 " + reason;
        }
    }

    /** Will never be delivered (5yz, no such domain, null MX): the sender is told. */
    record PermanentFailure(int index, EnhancedStatus status, String host, String text) implements RecipientOutcome {
        public PermanentFailure {
            if (status.statusClass() != 5) throw new IllegalArgumentException("a permanent failure has a 5.x.x status");
        }

        public String diagnostic() {
            return withStatus(status, text);
        }
    }
}
