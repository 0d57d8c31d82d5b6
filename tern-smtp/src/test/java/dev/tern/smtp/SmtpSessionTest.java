package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.ReversePath;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmtpSessionTest {
    static final SessionSettings SETTINGS = new SessionSettings("mx.local.test", 10_000, 100, 3, 5, 50, false, false);

    final TablePolicy policy = new TablePolicy();
    final MemoryContentStage stage = new MemoryContentStage();

    SmtpSession session() {
        return session(SETTINGS);
    }

    SmtpSession session(SessionSettings settings) {
        return new SmtpSession(settings, policy, "192.0.2.7", SecurityProfile.PLAIN, stage);
    }

    Transcript transcript(String text) {
        return Transcript.of(session(), stage).run(text);
    }

    /** Plays {@code ;}-separated commands and returns the reply to the last one. */
    Step lastStepOf(SmtpSession session, String commands) {
        session.greeting();
        Step step = null;
        for (String command : commands.split(" *; *")) step = session.command(command);
        return step;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 5321 §4.1.4: HELO/EHLO before MAIL; MAIL before RCPT; RCPT before DATA; no nested MAIL.
        MAIL FROM:<a@b.example>                                           | 503 5.5.1 Send HELO/EHLO first
        EHLO c.test; RCPT TO:<a@local.test>                               | 503 5.5.1 Need MAIL command
        EHLO c.test; MAIL FROM:<a@b.example>; MAIL FROM:<a@b.example>     | 503 5.5.1 Nested MAIL command
        EHLO c.test; DATA                                                 | 503 5.5.1 Need MAIL command
        EHLO c.test; MAIL FROM:<a@b.example>; DATA                        | 503 5.5.1 Need RCPT command
        # RFC 5321 §3.3: DATA after every RCPT was refused.
        EHLO c.test; MAIL FROM:<a@b.example>; RCPT TO:<unknown@local.test>; DATA | 554 5.5.1 No valid recipients
        # RFC 5321 §4.1.1.5: RSET ends the transaction; §4.1.4: so does EHLO.
        EHLO c.test; MAIL FROM:<a@b.example>; RSET; RCPT TO:<a@local.test>   | 503 5.5.1 Need MAIL command
        EHLO c.test; MAIL FROM:<a@b.example>; EHLO c.test; RCPT TO:<a@local.test> | 503 5.5.1 Need MAIL command
        # RFC 3030 §2: DATA and BDAT do not mix (BDAT tested in its own test).
        # RFC 1870 §6.1: a declared SIZE over the maximum is refused at MAIL.
        EHLO c.test; MAIL FROM:<a@b.example> SIZE=10001                   | 552 5.3.4 *
        EHLO c.test; MAIL FROM:<a@b.example> SIZE=10000                   | 250 2.1.0 Ok
        # RFC 5321 §4.1.1.1: HELO is enough for a plain transaction.
        HELO c.test; MAIL FROM:<a@b.example>; RCPT TO:<a@local.test>      | 250 2.1.5 Ok
        EHLO c.test; MAIL FROM:<>; RCPT TO:<Postmaster>                   | 250 2.1.5 Ok
        # RFC 5321 §4.2.2: unknown verbs and bad arguments.
        FOO                                                               | 500 5.5.2 Command not recognized
        HELO                                                              | 501 5.5.4 Invalid domain name
        EHLO c.test; DATA now                                             | 501 5.5.4 *
        NOOP                                                              | 250 2.0.0 Ok
        NOOP anything at all                                              | 250 2.0.0 Ok
        RSET                                                              | 250 2.0.0 Ok
        HELP                                                              | 214 2.0.0 Commands: *
        # RFC 5321 §3.5.3: VRFY disabled is 252; §3.5.2: EXPN disabled is 502.
        VRFY alice                                                        | 252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery
        EXPN team                                                         | 502 5.5.1 *
        # Not advertised yet: RFC 5321 §4.2.4 502.
        STARTTLS                                                          | 502 5.5.1 *
        AUTH PLAIN AGJvYgBzZWNyZXQ=                                       | 502 5.5.1 *
        # RFC 6531 §3.4: UTF-8 recipients only after MAIL with SMTPUTF8.
        EHLO c.test; MAIL FROM:<a@b.example>; RCPT TO:<jörg@local.test>   | 553 5.6.7 *
        EHLO c.test; MAIL FROM:<a@b.example> SMTPUTF8; RCPT TO:<jörg@local.test> | 250 2.1.5 Ok
        # The policy decides, with its own replies.
        EHLO c.test; MAIL FROM:<a@b.example>; RCPT TO:<a@elsewhere.example> | 550 5.7.1 Relay access denied
        EHLO c.test; MAIL FROM:<a@b.example>; RCPT TO:<defer@local.test>  | 451 4.3.0 Try again later
        """)
    void repliesInSequence(String commands, String expected) {
        Step step = lastStepOf(session(), commands);
        assertThat(step.reply()).get().extracting(Reply::toString).asString().matches(expected.replace("*", ".*"));
    }

    @Test
    void greetingIsPlain220() {
        assertThat(session().greeting()).isEqualTo(Step.reply(Reply.plain(220, java.util.List.of("mx.local.test ESMTP Tern"))));
    }

    @Test
    void ehloListsExtensionsWithoutEnhancedCodes() {
        transcript("""
            S: 220 mx.local.test ESMTP Tern
            C: EHLO client.test
            S: 250-mx.local.test
            S: 250-SIZE 10000
            S: 250-PIPELINING
            S: 250-8BITMIME
            S: 250-ENHANCEDSTATUSCODES
            S: 250-SMTPUTF8
            S: 250-CHUNKING
            S: 250-DSN
            S: 250 HELP
            C: HELO client.test
            S: 250 mx.local.test
            """);
    }

    @Test
    void wholeTransactionWithDataIsQueuedAndReset() {
        Transcript t = transcript("""
            S: 220 *
            C: ehlo client.test
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250 HELP
            C: MAIL FROM:<sender@b.example> BODY=8BITMIME
            S: 250 2.1.0 Ok
            C: RCPT TO:<alice@local.test> NOTIFY=SUCCESS,FAILURE
            S: 250 2.1.5 Ok
            C: RCPT TO:<bob@local.test>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            N: ReadData[DotDecoder[maxOctets=10000, maxLineLength=998]]
            """);
        assertThat(t.session().envelope().reversePath()).isEqualTo(ReversePath.of(Mailbox.of("sender", "b.example")));
        assertThat(t.session().envelope().recipients()).extracting(r -> r.mailbox().toString())
                .containsExactly("alice@local.test", "bob@local.test");
        t.run("""
            M: queued Q1
            S: 250 2.0.0 Ok: queued as Q1
            N: ReadCommand
            C: RCPT TO:<alice@local.test>
            S: 503 5.5.1 Need MAIL command
            """);
    }

    @Test
    void rejectedMessageEndsTheTransaction() {
        transcript("""
            S: 220 *
            C: HELO client.test
            S: 250 mx.local.test
            C: MAIL FROM:<>
            S: 250 2.1.0 Ok
            C: RCPT TO:<alice@local.test>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 *
            M: content bare\\nLF\\r\\n.\\r\\n
            S: 550 5.6.0 Message contains bare CR or LF
            N: ReadCommand
            C: DATA
            S: 503 5.5.1 Need MAIL command
            """);
    }

    @Test
    void storageFailureWith421Closes() {
        transcript("""
            S: 220 *
            C: HELO client.test
            S: 250 *
            C: MAIL FROM:<>
            S: 250 *
            C: RCPT TO:<alice@local.test>
            S: 250 *
            C: DATA
            S: 354 *
            M: refuse 421 4.3.0 Try again later
            S: 421 4.3.0 Try again later
            N: Close
            """);
    }

    @Test
    void chunksAreReadThenQueued() {
        transcript("""
            S: 220 *
            C: HELO client.test
            S: 250 *
            C: MAIL FROM:<a@b.example>
            S: 250 *
            C: RCPT TO:<alice@local.test>
            S: 250 *
            C: BDAT 4000
            N: ReadChunk[octets=4000]
            M: chunk 4000
            S: 250 2.0.0 4000 octets received
            C: DATA
            S: 503 5.5.1 DATA not allowed after BDAT
            C: BDAT 6000 LAST
            N: ReadChunk[octets=6000]
            M: queued Q2
            S: 250 2.0.0 Ok: queued as Q2
            """);
    }

    @Test
    void chunkWithoutTransactionIsDiscarded() {
        Transcript t = transcript("""
            S: 220 *
            C: EHLO client.test
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250-*
            S: 250 *
            C: BDAT 10 LAST
            N: DiscardChunk[octets=10, reply=503 5.5.1 Need MAIL command]
            C: MAIL FROM:<a@b.example>
            S: 250 *
            C: RCPT TO:<unknown@local.test>
            S: 550 5.1.1 *
            C: BDAT 10
            N: DiscardChunk[octets=10, reply=554 5.5.1 No valid recipients]
            """);
        assertThat(t.last().reply()).isEmpty();
    }

    @Test
    void chunkOverTheSizeLimitIsDiscardedAndEndsTheTransaction() {
        transcript("""
            S: 220 *
            C: HELO client.test
            S: 250 *
            C: MAIL FROM:<a@b.example>
            S: 250 *
            C: RCPT TO:<alice@local.test>
            S: 250 *
            C: BDAT 6000
            N: ReadChunk
            M: chunk 6000
            S: 250 *
            C: BDAT 4001
            N: DiscardChunk[octets=4001, reply=552 5.3.4 *
            C: BDAT 1 LAST
            N: DiscardChunk[octets=1, reply=503 5.5.1 Need MAIL command]
            """);
    }

    @Test
    void recipientsOverTheLimitAre452AndNotCountedAsErrors() {
        SmtpSession session = session();
        lastStepOf(session, "EHLO c.test; MAIL FROM:<a@b.example>");
        for (int i = 0; i < 100; i++) {
            assertThat(session.command("RCPT TO:<user" + i + "@local.test>").reply().orElseThrow().code()).isEqualTo(250);
        }
        for (int i = 0; i < 20; i++) {
            Step step = session.command("RCPT TO:<more" + i + "@local.test>");
            assertThat(step.reply().orElseThrow().toString()).isEqualTo("452 4.5.3 Too many recipients");
            assertThat(step.next()).isEqualTo(Next.COMMAND);
        }
        assertThat(session.envelope().recipients()).hasSize(100);
    }

    @Test
    void sameRecipientTwiceIsOneDelivery() {
        SmtpSession session = session();
        lastStepOf(session, "EHLO c.test; MAIL FROM:<a@b.example>; RCPT TO:<alice@local.test>; RCPT TO:<alice@LOCAL.test>");
        assertThat(session.envelope().recipients()).hasSize(1);
    }

    @Test
    void bareRecipientPostmasterIsTheServersPostmaster() {
        SmtpSession session = session();
        lastStepOf(session, "HELO c.test; MAIL FROM:<>; RCPT TO:<POSTMASTER>");
        assertThat(policy.asked).containsExactly(Mailbox.of("postmaster", "mx.local.test"));
    }

    @Test
    void tooManyErrorsCloses() {
        transcript("""
            S: 220 *
            C: FOO
            S: 500 *
            C: MAIL FROM:<a@b.example>
            S: 503 *
            M: too-long
            S: 500 5.5.2 Line too long
            C: NOOP
            S: 250 *
            C: EXPN x
            S: 502 *
            C: STARTTLS
            S: 502 *
            C: BAR
            S: 421 4.7.0 Too many errors
            N: Close
            """);
    }

    @Test
    void refusedChunkPastTheErrorLimitClosesWithoutReadingIt() {
        SmtpSession session = session();
        session.greeting();
        for (int i = 0; i < 5; i++) {
            assertThat(session.command("BDAT 100").next()).isInstanceOf(Next.DiscardChunk.class);
        }
        assertThat(session.command("BDAT 100")).isEqualTo(Step.reply(Replies.TOO_MANY_ERRORS, Next.CLOSE));
    }

    @Test
    void refusedRecipientsCountAsErrors() {
        transcript("""
            S: 220 *
            C: HELO c.test
            S: 250 *
            C: MAIL FROM:<a@b.example>
            S: 250 *
            C: RCPT TO:<unknown@local.test>
            S: 550 *
            C: RCPT TO:<unknown@local.test>
            S: 550 *
            C: RCPT TO:<unknown@local.test>
            S: 550 *
            C: RCPT TO:<unknown@local.test>
            S: 550 *
            C: RCPT TO:<unknown@local.test>
            S: 550 *
            C: RCPT TO:<unknown@local.test>
            S: 421 4.7.0 Too many errors
            N: Close
            """);
    }

    @Test
    void policyReplyOf421Closes() {
        assertThat(lastStepOf(session(), "HELO c.test; MAIL FROM:<>; RCPT TO:<down@local.test>"))
                .isEqualTo(Step.reply(Reply.of(421, "4.3.0", "Directory unavailable"), Next.CLOSE));
    }

    @Test
    void mailBeyondTheMessageLimitIs451AndTheConnectionStaysOpen() {
        SmtpSession session = session();
        lastStepOf(session, "HELO c.test");
        for (int i = 0; i < 3; i++) {
            assertThat(session.command("MAIL FROM:<a@b.example>").reply().orElseThrow().code()).isEqualTo(250);
            session.command("RSET");
        }
        // A pipelining client's batch is answered in full (RFC 2920 §3.1), then it reconnects.
        assertThat(session.command("MAIL FROM:<a@b.example>")).isEqualTo(Step.reply(
                Reply.of(451, "4.7.0", "Too many messages in this session, reconnect to send more"), Next.COMMAND));
        assertThat(session.command("RCPT TO:<alice@local.test>").reply().orElseThrow().code()).isEqualTo(503);
        assertThat(session.command("QUIT").reply().orElseThrow().code()).isEqualTo(221);
    }

    @Test
    void quitSaysByeAndCloses() {
        assertThat(lastStepOf(session(), "QUIT")).isEqualTo(Step.reply(Reply.of(221, "2.0.0", "Bye"), Next.CLOSE));
    }

    @Test
    void timeoutAndShutdownClose() {
        assertThat(session().timeout().reply().orElseThrow().toString()).startsWith("421 4.4.2 mx.local.test ");
        assertThat(session().timeout().next()).isEqualTo(Next.CLOSE);
        assertThat(session().shuttingDown().reply().orElseThrow().toString()).startsWith("421 4.3.2 mx.local.test ");
        assertThat(session().shuttingDown().next()).isEqualTo(Next.CLOSE);
    }

    @Test
    void vrfyAndExpnAskThePolicyWhenEnabled() {
        SessionSettings open = new SessionSettings("mx.local.test", 10_000, 100, 3, 5, 50, true, true);
        SmtpSession session = session(open);
        assertThat(session.command("VRFY alice").reply().orElseThrow().toString()).isEqualTo("250 2.1.5 alice@local.test");
        assertThat(session.command("VRFY mallory").reply().orElseThrow().code()).isEqualTo(550);
        assertThat(session.command("EXPN team").reply().orElseThrow().wire())
                .isEqualTo("250-2.1.5 alice@local.test\r\n250 2.1.5 bob@local.test\r\n");
    }

    @Test
    void everyReplyButGreetingAndHelloCarriesAnEnhancedCode() {
        SmtpSession session = session();
        for (String command : Arrays.asList("NOOP", "HELP", "VRFY x", "EXPN x", "FOO", "MAIL FROM:<a@b.example>",
                "HELO c.test", "MAIL FROM:<a@b.example>", "RCPT TO:<a@local.test>", "RSET", "QUIT")) {
            Reply reply = session.command(command).reply().orElseThrow();
            assertThat(reply.enhanced().isPresent() || command.startsWith("HELO")).as(command).isTrue();
        }
    }

    @Test
    void outOfOrderCallsAreBugs() {
        SmtpSession session = session();
        assertThatThrownBy(session::contentEnded).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(session::envelope).isInstanceOf(IllegalStateException.class);
        session.command("QUIT");
        assertThatThrownBy(() -> session.command("NOOP")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clientAddressMustBeNumeric() {
        assertThatThrownBy(() -> new SmtpSession(SETTINGS, policy, "evil\r\nX-Injected: 1", SecurityProfile.PLAIN, stage))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
