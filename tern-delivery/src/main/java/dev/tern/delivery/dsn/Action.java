package dev.tern.delivery.dsn;

import java.time.Instant;

/**
 * What the reporting MTA did with one recipient: the {@code Action} field of a DSN (RFC 3464 §2.3.3).
 *
 * <p>The status class that goes with each action is checked in {@link RecipientReport}.
 */
public sealed interface Action {
    /** The keyword as the {@code Action:} field writes it. */
    String keyword();

    /** The recipient could not be delivered and will not be tried again. */
    record Failed() implements Action {
        @Override
        public String keyword() {
            return "failed";
        }
    }

    /**
     * Not delivered yet; the MTA keeps trying.
     *
     * @param willRetryUntil when the MTA gives up (RFC 3464 §2.3.9 {@code Will-Retry-Until})
     */
    record Delayed(Instant willRetryUntil) implements Action {
        public Delayed {
            if (willRetryUntil == null) throw new IllegalArgumentException("no retry deadline");
        }

        @Override
        public String keyword() {
            return "delayed";
        }
    }

    /** Delivered to the recipient's mailbox; reported only where NOTIFY asked for SUCCESS. */
    record Delivered() implements Action {
        @Override
        public String keyword() {
            return "delivered";
        }
    }

    /** Handed to a next hop that does not offer DSN, so no further report will come. */
    record Relayed() implements Action {
        @Override
        public String keyword() {
            return "relayed";
        }
    }

    /** Delivered to an alias or list, which sent it on to its members. */
    record Expanded() implements Action {
        @Override
        public String keyword() {
            return "expanded";
        }
    }

    Action FAILED = new Failed();
    Action DELIVERED = new Delivered();
    Action RELAYED = new Relayed();
    Action EXPANDED = new Expanded();

    static Action delayed(Instant willRetryUntil) {
        return new Delayed(willRetryUntil);
    }
}
