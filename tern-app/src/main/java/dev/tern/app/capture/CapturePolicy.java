package dev.tern.app.capture;

import dev.tern.mail.Mailbox;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;
import java.util.Optional;

/**
 * Capture mode's recipient rule: every address of every domain is accepted, without authentication, since
 * nothing leaves the host (the capture transport keeps it). VRFY and EXPN answer as the server's own policy does.
 */
public record CapturePolicy(RecipientPolicy inner) implements RecipientPolicy {
    @Override
    public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
        return Verdict.ACCEPT;
    }

    @Override
    public Reply verify(String argument) {
        return inner.verify(argument);
    }

    @Override
    public Reply expand(String argument) {
        return inner.expand(argument);
    }
}
