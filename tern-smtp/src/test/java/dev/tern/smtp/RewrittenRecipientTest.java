package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A policy's {@link Verdict.AcceptAs}: the recipient is replaced, the given address kept as ORCPT (RFC 3461 §4.2). */
class RewrittenRecipientTest {
    /** {@code bounce@local.test} goes to {@code alice@far.example}; the rest as the table says. */
    private static final class RewritingPolicy implements RecipientPolicy {
        private final TablePolicy table = new TablePolicy();

        @Override
        public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
            return forwardPath.canonicalLocalPart().equals("bounce")
                    ? new Verdict.AcceptAs(Mailbox.of("alice", "far.example")) : table.recipient(forwardPath, authenticatedUser);
        }

        @Override
        public Reply verify(String argument) {
            return table.verify(argument);
        }

        @Override
        public Reply expand(String argument) {
            return table.expand(argument);
        }
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
        RCPT TO:<bounce@local.test>                                | alice@far.example | rfc822;bounce@local.test
        RCPT TO:<Bounce@local.test> NOTIFY=NEVER                   | alice@far.example | rfc822;Bounce@local.test
        # The client's own ORCPT stands.
        RCPT TO:<bounce@local.test> ORCPT=rfc822;first@origin.example | alice@far.example | rfc822;first@origin.example
        RCPT TO:<bob@local.test>                                   | bob@local.test    | ''
        """)
    void acceptAsReplacesTheRecipient(String rcpt, String mailbox, String orcpt) {
        SmtpSession session = new SmtpSession(SmtpSessionTest.SETTINGS, new RewritingPolicy(), "192.0.2.7",
                SecurityProfile.PLAIN, new MemoryContentStage());
        session.greeting();
        session.command("EHLO c.test");
        session.command("MAIL FROM:<>");
        assertThat(session.command(rcpt).reply().orElseThrow().code()).isEqualTo(250);
        assertThat(session.command(rcpt).reply().orElseThrow().code()).isEqualTo(250);
        assertThat(session.envelope().recipients()).hasSize(1);
        assertThat(session.envelope().recipients().getFirst().mailbox()).hasToString(mailbox);
        assertThat(session.envelope().recipients().getFirst().orcpt()).isEqualTo(orcpt);
    }
}
