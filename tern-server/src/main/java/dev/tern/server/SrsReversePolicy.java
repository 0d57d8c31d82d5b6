package dev.tern.server;

import dev.tern.directory.Directory;
import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.mailauth.srs.Srs;
import dev.tern.mailauth.srs.SrsReversal;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounces to SRS addresses (docs/srs.md), in front of the shared policy: a recipient at a local domain whose local
 * part starts with {@code SRS0=} or {@code SRS1=} (any case, libsrs2's separators) is checked by {@link Srs#reverse}.
 * <ul>
 * <li>Valid: accepted for delivery to the original sender ({@link Verdict.AcceptAs}; the SRS address stays as the
 *     ORCPT), even at another domain: this is the one relay an unauthenticated client gets, to exactly the
 *     address our own HMAC vouches for, and never for another recipient. An original at a local domain is asked of
 *     the shared policy like any local recipient.
 * <li>Forged, expired or malformed: {@code 550 5.7.1 <addr>: invalid SRS address}, so no backscatter goes out.
 * </ul>
 * Any reverse path is accepted, as postsrsd does: auto-replies and list software answer with a sender of their
 * own, and the null path would not make a forged address any better (the hash does that).
 */
public final class SrsReversePolicy implements RecipientPolicy {
    private static final Logger log = LoggerFactory.getLogger(SrsReversePolicy.class);

    private final RecipientPolicy shared;
    private final Directory directory;
    private final Srs srs;

    public SrsReversePolicy(RecipientPolicy shared, Directory directory, Srs srs) {
        if (shared == null || directory == null || srs == null) throw new IllegalArgumentException("all parts are required");
        this.shared = shared;
        this.directory = directory;
        this.srs = srs;
    }

    /** Without the MAIL FROM: as for a bounce ({@link #recipient(ReversePath, Mailbox, Optional)}). */
    @Override
    public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
        return recipient(ReversePath.NULL, forwardPath, authenticatedUser);
    }

    /**
     * An SRS address is the return path of mail we forwarded: only bounces (the null reverse path, RFC 5321 §4.5.5)
     * go back through it. Anything else to it would let whoever learnt the address send through us, as our
     * domain, to the original sender: refused as a relay attempt.
     */
    @Override
    public Verdict recipient(ReversePath reversePath, Mailbox forwardPath, Optional<String> authenticatedUser) {
        if (!directory.isLocal(forwardPath.domain())) return shared.recipient(reversePath, forwardPath, authenticatedUser);
        return switch (srs.reverse(forwardPath)) {
            case SrsReversal.NotSrs n -> shared.recipient(reversePath, forwardPath, authenticatedUser);
            case SrsReversal.Invalid(SrsReversal.Reason reason) -> {
                log.info("srs refused to=<{}> reason={}", forwardPath, reason);
                yield new Verdict.Reject(Reply.of(550, "5.7.1", "<" + forwardPath + ">: invalid SRS address"));
            }
            case SrsReversal.Original(Mailbox original) when reversePath instanceof ReversePath.Sender -> {
                log.info("srs refused to=<{}>: not a bounce", forwardPath);
                yield new Verdict.Reject(Reply.of(550, "5.7.1", "<" + forwardPath + ">: only bounces go to an SRS address"));
            }
            case SrsReversal.Original(Mailbox original) -> original(forwardPath, original, authenticatedUser);
        };
    }

    private Verdict original(Mailbox srsAddress, Mailbox original, Optional<String> authenticatedUser) {
        if (directory.isLocal(original.domain())) {
            Verdict local = shared.recipient(original, authenticatedUser);
            if (!(local instanceof Verdict.Accept)) return local;
        }
        log.info("srs bounce to=<{}> original=<{}>", srsAddress, original);
        return new Verdict.AcceptAs(original);
    }

    @Override
    public Verdict sender(ReversePath reversePath, Optional<String> authenticatedUser) {
        return shared.sender(reversePath, authenticatedUser);
    }

    @Override
    public Reply verify(String argument) {
        return shared.verify(argument);
    }

    @Override
    public Reply expand(String argument) {
        return shared.expand(argument);
    }
}
