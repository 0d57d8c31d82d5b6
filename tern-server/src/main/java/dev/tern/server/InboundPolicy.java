package dev.tern.server;

import dev.tern.directory.Directory;
import dev.tern.directory.Resolution;
import dev.tern.mail.Mailbox;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;

/**
 * Who may receive mail through an unauthenticated SMTP session: local recipients only (no relay, RFC 5321
 * §3.6.1). Source routes are already gone and {@code %} or {@code !} in a local part are plain characters,
 * so {@code user%other@local} is a (likely unknown) local user, never a relay.
 */
public final class InboundPolicy implements RecipientPolicy {
    static final Reply UNKNOWN_USER = Reply.of(550, "5.1.1", "Recipient address rejected: user unknown");
    static final Reply RELAY_DENIED = Reply.of(550, "5.7.1", "Relay access denied");
    static final Reply CANNOT_VERIFY = Reply.of(252, "2.5.0",
            "Cannot VRFY user, but will accept message and attempt delivery");

    private final Directory directory;

    public InboundPolicy(Directory directory) {
        this.directory = directory;
    }

    @Override
    public Verdict recipient(Mailbox forwardPath) {
        return switch (directory.resolve(forwardPath)) {
            case Resolution.Local local -> Verdict.ACCEPT;
            case Resolution.Remote remote -> new Verdict.Reject(RELAY_DENIED);
            case Resolution.Unknown unknown -> new Verdict.Reject(UNKNOWN_USER);
        };
    }

    @Override
    public Reply verify(String argument) {
        return CANNOT_VERIFY;
    }

    @Override
    public Reply expand(String argument) {
        return Reply.of(502, "5.5.1", "EXPN not available");
    }
}
