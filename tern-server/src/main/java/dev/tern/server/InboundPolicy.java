package dev.tern.server;

import dev.tern.directory.Directory;
import dev.tern.directory.Expansion;
import dev.tern.directory.Resolution;
import dev.tern.directory.Verification;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Mailbox;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;
import java.util.ArrayList;
import java.util.List;

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

    // RFC 5321 §3.5.1 and §3.5.3: 250 known, 251 forwarded, 252 cannot say, 550 unknown, 553 ambiguous.
    // Only asked when VRFY is turned on in the config; otherwise the session answers 252 itself.
    @Override
    public Reply verify(String argument) {
        return switch (directory.verify(argument)) {
            case Verification.Verified v -> Reply.of(250, "2.1.5", "<" + v.mailbox() + ">");
            case Verification.Forwarded f -> Reply.of(251, "2.1.5", "User not local; will forward to <" + f.to() + ">");
            case Verification.Ambiguous a -> ambiguous(a.candidates());
            case Verification.NotFound n -> Reply.of(550, "5.1.1", "No such user here");
            case Verification.NotLocal n -> CANNOT_VERIFY;
            case Verification.Invalid i -> Reply.of(501, "5.5.4", "Syntax: VRFY <address>");
        };
    }

    // RFC 5321 §3.5.2: EXPN answers a list's members, one per line.
    @Override
    public Reply expand(String argument) {
        return switch (directory.expand(argument)) {
            case Expansion.Members m -> new Reply(250, EnhancedStatus.of(2, 1, 5),
                    m.members().isEmpty() ? List.of("<" + m.list() + "> has no members")
                            : m.members().stream().map(member -> "<" + member + ">").toList());
            case Expansion.NotAList n -> Reply.of(550, "5.1.1", "Not a mailing list");
            case Expansion.Ambiguous a -> ambiguous(a.candidates());
            case Expansion.NotFound n -> Reply.of(550, "5.1.1", "No such list here");
            case Expansion.NotLocal n -> Reply.of(550, "5.1.2", "Not a local list");
            case Expansion.Invalid i -> Reply.of(501, "5.5.4", "Syntax: EXPN <list>");
        };
    }

    private static Reply ambiguous(List<Mailbox> candidates) {
        List<String> lines = new ArrayList<>();
        lines.add("Ambiguous; possibilities are");
        candidates.forEach(c -> lines.add("<" + c + ">"));
        return new Reply(553, EnhancedStatus.of(5, 1, 4), lines);
    }
}
