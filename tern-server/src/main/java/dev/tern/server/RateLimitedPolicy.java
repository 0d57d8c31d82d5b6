package dev.tern.server;

import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.server.SubmissionLimits.Count;
import dev.tern.server.SubmissionLimits.Key;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared policy as one connection sees it, with the hourly {@link SubmissionLimits} added: it knows the
 * client's address and whether the listener is for submission, which the shared policy cannot. One per
 * connection, called on that connection's thread.
 *
 * <p>Limited are sessions on the submission and SMTPS listeners, and authenticated sessions on the SMTP
 * listener (they relay like submission). A MAIL or RCPT is counted when the shared policy accepts it and the
 * limits have room, so a refused address costs nothing and a refused count is not counted either.
 */
final class RateLimitedPolicy implements RecipientPolicy {
    private static final Logger log = LoggerFactory.getLogger(RateLimitedPolicy.class);

    private final String connection;
    private final RecipientPolicy shared;
    private final SubmissionLimits limits;
    private final boolean submission;
    private final Optional<Key> network;

    /**
     * @param connection     the connection's id, for the log
     * @param submission     the connection came to a submission or SMTPS listener
     * @param addressLimited the client's address is outside the exempt networks, so it is limited per address
     */
    RateLimitedPolicy(String connection, RecipientPolicy shared, SubmissionLimits limits, InetAddress client,
                      boolean submission, boolean addressLimited) {
        this.connection = connection;
        this.shared = shared;
        this.limits = limits;
        this.submission = submission;
        this.network = addressLimited ? Optional.of(Key.Network.of(client)) : Optional.empty();
    }

    @Override
    public Verdict sender(ReversePath reversePath, Optional<String> authenticatedUser) {
        Verdict verdict = shared.sender(reversePath, authenticatedUser);
        if (verdict instanceof Verdict.Reject) return verdict;
        return admit(Count.MESSAGE, authenticatedUser) ? verdict : new Verdict.Reject(Replies.TOO_MANY_MESSAGES_PER_HOUR);
    }

    @Override
    public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
        return counted(shared.recipient(forwardPath, authenticatedUser), authenticatedUser);
    }

    @Override
    public Verdict recipient(ReversePath reversePath, Mailbox forwardPath, Optional<String> authenticatedUser) {
        return counted(shared.recipient(reversePath, forwardPath, authenticatedUser), authenticatedUser);
    }

    private Verdict counted(Verdict verdict, Optional<String> authenticatedUser) {
        if (verdict instanceof Verdict.Reject) return verdict;
        return admit(Count.RECIPIENT, authenticatedUser) ? verdict : new Verdict.Reject(Replies.TOO_MANY_RECIPIENTS_PER_HOUR);
    }

    @Override
    public Reply verify(String argument) {
        return shared.verify(argument);
    }

    @Override
    public Reply expand(String argument) {
        return shared.expand(argument);
    }

    private boolean admit(Count count, Optional<String> user) {
        // Mail from other servers to port 25 is not submission; its volume is bounded by connection limits.
        if (!submission && user.isEmpty()) return true;
        List<Key> keys = new ArrayList<>(2);
        user.ifPresent(name -> keys.add(Key.User.of(name)));
        network.ifPresent(keys::add);
        if (keys.isEmpty() || limits.admit(count, keys)) return true;
        // One line per refusal: a user suddenly at the limit is often a stolen password.
        log.info("conn={} hourly limit count={} user={}", connection, count.name().toLowerCase(Locale.ROOT),
                user.orElse("-"));
        return false;
    }
}
