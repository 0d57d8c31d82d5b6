package dev.tern.server;

import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;
import java.util.Optional;

/**
 * The shared policy for a client in {@link ServerSettings#relayNetworks()}: it may relay to any domain without
 * AUTH, as Postfix's {@code permit_mynetworks} (RFC 5321 §3.6.1: relaying is the operator's choice, granted here
 * by address). Everything else, unknown local users included, is as for anyone. One per connection.
 */
final class TrustedNetworkPolicy implements RecipientPolicy {
    private final RecipientPolicy shared;

    TrustedNetworkPolicy(RecipientPolicy shared) {
        this.shared = shared;
    }

    @Override
    public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
        return relayed(shared.recipient(forwardPath, authenticatedUser));
    }

    @Override
    public Verdict recipient(ReversePath reversePath, Mailbox forwardPath, Optional<String> authenticatedUser) {
        return relayed(shared.recipient(reversePath, forwardPath, authenticatedUser));
    }

    private static Verdict relayed(Verdict verdict) {
        return verdict instanceof Verdict.Reject(Reply reply) && reply.equals(Replies.RELAY_DENIED) ? Verdict.ACCEPT : verdict;
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
