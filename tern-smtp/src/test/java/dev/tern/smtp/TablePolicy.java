package dev.tern.smtp;

import dev.tern.mail.Mailbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An honest in-memory {@link RecipientPolicy}: mailboxes under {@code local.test} (and the postmaster of
 * {@code mx.local.test}) exist, except {@code unknown}; {@code defer@local.test} meets a directory that cannot be
 * read; {@code down@local.test} meets one that is shutting down.
 */
final class TablePolicy implements RecipientPolicy {
    final List<Mailbox> asked = new ArrayList<>();

    @Override
    public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
        asked.add(forwardPath);
        String domain = forwardPath.domain().name();
        if (!domain.equals("local.test") && !domain.equals("mx.local.test")) {
            return new Verdict.Reject(Reply.of(550, "5.7.1", "Relay access denied"));
        }
        return switch (forwardPath.canonicalLocalPart()) {
            case "unknown" -> new Verdict.Reject(Reply.of(550, "5.1.1", "No such user"));
            case "defer" -> new Verdict.Reject(Reply.of(451, "4.3.0", "Try again later"));
            case "down" -> new Verdict.Reject(Reply.of(421, "4.3.0", "Directory unavailable"));
            default -> Verdict.ACCEPT;
        };
    }

    @Override
    public Reply verify(String argument) {
        return argument.equals("alice") ? Reply.of(250, "2.1.5", "alice@local.test") : Reply.of(550, "5.1.1", "No such user");
    }

    @Override
    public Reply expand(String argument) {
        return argument.equals("team")
                ? new Reply(250, dev.tern.mail.EnhancedStatus.parse("2.1.5"), List.of("alice@local.test", "bob@local.test"))
                : Reply.of(550, "5.1.1", "No such list");
    }
}
