package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Verdict;
import dev.tern.testbase.MutableClock;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitedPolicyTest {
    private static final InetAddress CLIENT = InetAddress.ofLiteral("192.0.2.1");
    private static final ReversePath FROM = new ReversePath.Sender(Mailbox.of("alice", "example.com"));
    private static final Mailbox TO = Mailbox.of("bob", "example.org");
    private static final Mailbox UNKNOWN = Mailbox.of("nobody", "example.org");
    private static final Optional<String> ALICE = Optional.of("alice@example.com");
    private static final Optional<String> NOBODY = Optional.empty();
    private static final Reply NO_SUCH_USER = Reply.of(550, "5.1.1", "No such user");

    /** Accepts everything except {@link #UNKNOWN}. */
    private static final RecipientPolicy SHARED = new RecipientPolicy() {
        @Override
        public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
            return forwardPath.equals(UNKNOWN) ? new Verdict.Reject(NO_SUCH_USER) : Verdict.ACCEPT;
        }

        @Override
        public Reply verify(String argument) {
            return Reply.of(252, "2.1.5", "Cannot verify");
        }

        @Override
        public Reply expand(String argument) {
            return Reply.of(502, "5.5.1", "Not implemented");
        }
    };

    private final SubmissionLimits limits = new SubmissionLimits(new SubmissionLimitSettings(2, 3, 4, 6),
            new MutableClock());

    @Test
    void overTheLimitMailGets451AndRcptGets452() {
        RecipientPolicy policy = new RateLimitedPolicy("t1", SHARED, limits, CLIENT, true, true);
        for (int i = 0; i < 3; i++) assertThat(policy.recipient(TO, ALICE)).isEqualTo(Verdict.ACCEPT);
        assertThat(policy.recipient(TO, ALICE)).isEqualTo(new Verdict.Reject(Replies.TOO_MANY_RECIPIENTS_PER_HOUR));
        for (int i = 0; i < 2; i++) assertThat(policy.sender(FROM, ALICE)).isEqualTo(Verdict.ACCEPT);
        assertThat(policy.sender(FROM, ALICE)).isEqualTo(new Verdict.Reject(Replies.TOO_MANY_MESSAGES_PER_HOUR));
        assertThat(Replies.TOO_MANY_MESSAGES_PER_HOUR.wire()).startsWith("451 4.7.1 ");
        assertThat(Replies.TOO_MANY_RECIPIENTS_PER_HOUR.wire()).startsWith("452 4.5.3 ");
    }

    @Test
    void aRecipientTheSharedPolicyRefusesIsNotCounted() {
        RecipientPolicy policy = new RateLimitedPolicy("t1", SHARED, limits, CLIENT, true, true);
        for (int i = 0; i < 10; i++) assertThat(policy.recipient(UNKNOWN, ALICE)).isEqualTo(new Verdict.Reject(NO_SUCH_USER));
        for (int i = 0; i < 3; i++) assertThat(policy.recipient(TO, ALICE)).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void mailFromOtherServersOnPort25IsNotLimited() {
        RecipientPolicy policy = new RateLimitedPolicy("t1", SHARED, limits, CLIENT, false, true);
        for (int i = 0; i < 50; i++) {
            assertThat(policy.sender(FROM, NOBODY)).isEqualTo(Verdict.ACCEPT);
            assertThat(policy.recipient(TO, NOBODY)).isEqualTo(Verdict.ACCEPT);
        }
    }

    @Test
    void anAuthenticatedSessionOnPort25IsLimitedLikeSubmission() {
        RecipientPolicy port25 = new RateLimitedPolicy("t1", SHARED, limits, CLIENT, false, true);
        RecipientPolicy submission = new RateLimitedPolicy("t1", SHARED, limits, CLIENT, true, true);
        assertThat(port25.sender(FROM, ALICE)).isEqualTo(Verdict.ACCEPT);
        assertThat(submission.sender(FROM, ALICE)).isEqualTo(Verdict.ACCEPT);
        assertThat(port25.sender(FROM, ALICE)).isInstanceOf(Verdict.Reject.class); // one count for both listeners
    }

    @Test
    void theAddressLimitCoversEveryUserButNotExemptNetworks() {
        RecipientPolicy limited = new RateLimitedPolicy("t1", SHARED, limits, CLIENT, true, true);
        for (String user : new String[] {"a@example.com", "b@example.com"}) {
            for (int i = 0; i < 2; i++) assertThat(limited.sender(FROM, Optional.of(user))).isEqualTo(Verdict.ACCEPT);
        }
        assertThat(limited.sender(FROM, Optional.of("c@example.com"))).isInstanceOf(Verdict.Reject.class);

        RecipientPolicy exempt = new RateLimitedPolicy("t1", SHARED, limits, CLIENT, true, false);
        for (String user : new String[] {"c@example.com", "d@example.com", "e@example.com"}) {
            for (int i = 0; i < 2; i++) assertThat(exempt.sender(FROM, Optional.of(user))).isEqualTo(Verdict.ACCEPT);
            assertThat(exempt.sender(FROM, Optional.of(user))).isInstanceOf(Verdict.Reject.class); // per user still
        }
    }
}
