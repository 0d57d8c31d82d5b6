package dev.tern.server;

import dev.tern.directory.Directory;
import dev.tern.directory.Expansion;
import dev.tern.directory.Resolution;
import dev.tern.directory.Verification;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may send and receive mail through an SMTP session.
 * <ul>
 * <li>Unauthenticated: local recipients only (no relay, RFC 5321 §3.6.1). Source routes are already gone and
 *     {@code %} or {@code !} in a local part are plain characters, so {@code user%other@local} is a (likely
 *     unknown) local user, never a relay. Any sender.
 * <li>Authenticated (RFC 4954, RFC 6409 §4.3): recipients at any domain (unknown local ones are still refused).
 *     With the sender check on, MAIL FROM must be the user's own address (user names are addresses), or an
 *     alias or list at a local domain that resolves to that user; the null path is allowed (RFC 6409 §8.1).
 * </ul>
 */
public final class InboundPolicy implements RecipientPolicy {
    private final Directory directory;
    private final boolean checkSender;

    /** With the sender check of authenticated sessions on. */
    public InboundPolicy(Directory directory) {
        this(directory, true);
    }

    /** {@code checkSender}: whether an authenticated user may only send as their own addresses. */
    public InboundPolicy(Directory directory, boolean checkSender) {
        if (directory == null) throw new IllegalArgumentException("no directory");
        this.directory = directory;
        this.checkSender = checkSender;
    }

    @Override
    public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
        return switch (directory.resolve(forwardPath)) {
            case Resolution.Local local -> Verdict.ACCEPT;
            // RFC 6409 §4.3 / RFC 4954 §5: an authenticated client may relay; anyone else may not.
            case Resolution.Remote remote -> authenticatedUser.isPresent() ? Verdict.ACCEPT : new Verdict.Reject(Replies.RELAY_DENIED);
            case Resolution.Unknown unknown -> new Verdict.Reject(Replies.UNKNOWN_USER);
        };
    }

    @Override
    public Verdict sender(ReversePath reversePath, Optional<String> authenticatedUser) {
        if (!checkSender || authenticatedUser.isEmpty()) return Verdict.ACCEPT;
        return switch (reversePath) {
            case ReversePath.Null n -> Verdict.ACCEPT; // RFC 6409 §8.1: notifications may use the null path
            case ReversePath.Sender(Mailbox from) ->
                    owns(authenticatedUser.get(), from) ? Verdict.ACCEPT : new Verdict.Reject(Replies.SENDER_NOT_OWNED);
        };
    }

    /** The address is the user's own, or resolves locally (alias, list, sub-address) to the user's mailbox. */
    private boolean owns(String username, Mailbox from) {
        Optional<Mailbox> user = mailbox(username);
        if (user.isEmpty()) return false;
        if (same(user.get(), from)) return true;
        return directory.resolve(from) instanceof Resolution.Local local
                && local.mailboxes().stream().anyMatch(m -> same(m, user.get()));
    }

    private static boolean same(Mailbox a, Mailbox b) {
        return a.domain().equals(b.domain()) && a.canonicalLocalPart().equals(b.canonicalLocalPart());
    }

    /** The user name as an address; a name that is not one owns no address. */
    private static Optional<Mailbox> mailbox(String username) {
        int at = username.lastIndexOf('@');
        if (at <= 0 || at == username.length() - 1) return Optional.empty();
        try {
            return Optional.of(Mailbox.of(username.substring(0, at), username.substring(at + 1)));
        } catch (IllegalArgumentException e) { // not a valid address: it owns nothing
            return Optional.empty();
        }
    }

    // RFC 5321 §3.5.1 and §3.5.3: 250 known, 251 forwarded, 252 cannot say, 550 unknown, 553 ambiguous.
    // Only asked when VRFY is turned on in the config; otherwise the session answers 252 itself.
    @Override
    public Reply verify(String argument) {
        return switch (directory.verify(argument)) {
            case Verification.Verified v -> Reply.of(250, "2.1.5", "<" + v.mailbox() + ">");
            case Verification.Forwarded f -> Reply.of(251, "2.1.5", "User not local; will forward to <" + f.to() + ">");
            case Verification.Ambiguous a -> ambiguous(a.candidates());
            case Verification.NotFound n -> Replies.NO_SUCH_USER;
            case Verification.NotLocal n -> Replies.CANNOT_VRFY;
            case Verification.Invalid i -> Replies.VRFY_SYNTAX;
        };
    }

    // RFC 5321 §3.5.2: EXPN answers a list's members, one per line.
    @Override
    public Reply expand(String argument) {
        return switch (directory.expand(argument)) {
            case Expansion.Members m -> new Reply(250, EnhancedStatus.of(2, 1, 5),
                    m.members().isEmpty() ? List.of("<" + m.list() + "> has no members")
                            : m.members().stream().map(member -> "<" + member + ">").toList());
            case Expansion.NotAList n -> Replies.NOT_A_LIST;
            case Expansion.Ambiguous a -> ambiguous(a.candidates());
            case Expansion.NotFound n -> Replies.NO_SUCH_LIST;
            case Expansion.NotLocal n -> Replies.NOT_A_LOCAL_LIST;
            case Expansion.Invalid i -> Replies.EXPN_SYNTAX;
        };
    }

    private static Reply ambiguous(List<Mailbox> candidates) {
        List<String> lines = new ArrayList<>();
        lines.add("Ambiguous; possibilities are");
        candidates.forEach(c -> lines.add("<" + c + ">"));
        return new Reply(553, EnhancedStatus.of(5, 1, 4), lines);
    }
}
