package dev.tern.spool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tern.mail.Recipient;

/**
 * One recipient of a spooled message and where its delivery stands.
 *
 * @param diagnostic the last thing said about it (a final status's reason, or the last temporary failure)
 * @param history    its latest attempts, oldest first, at most {@link #MAX_HISTORY}: what an operator reads to
 *                   learn why it is stuck
 */
public record RecipientState(Recipient recipient, Status status, String diagnostic, List<Attempt> history) {
    public enum Status { PENDING, DELIVERED, FAILED }

    /** Attempts kept per recipient; older ones are forgotten (the count of attempts stays). */
    public static final int MAX_HISTORY = 10;

    public RecipientState {
        if (recipient == null || status == null || diagnostic == null || history == null) {
            throw new IllegalArgumentException("null part");
        }
        history = List.copyOf(history.size() > MAX_HISTORY ? history.subList(history.size() - MAX_HISTORY, history.size())
                : history);
    }

    public RecipientState(Recipient recipient, Status status, String diagnostic) {
        this(recipient, status, diagnostic, List.of());
    }

    /** One delivery attempt of a recipient: when, the host tried (empty when none was reached), what it said. */
    public record Attempt(Instant at, String host, String diagnostic) {
        public Attempt {
            if (at == null || host == null || diagnostic == null) throw new IllegalArgumentException("null part");
        }
    }

    RecipientState with(Status newStatus, String newDiagnostic) {
        return new RecipientState(recipient, newStatus, newDiagnostic, history);
    }

    RecipientState plus(Attempt attempt) {
        List<Attempt> longer = new ArrayList<>(history.size() + 1);
        longer.addAll(history);
        longer.add(attempt);
        return new RecipientState(recipient, status, status == Status.PENDING ? attempt.diagnostic() : diagnostic, longer);
    }
}
