package dev.tern.smtp;

import dev.tern.sasl.ChannelBinding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.ReversePath;
import dev.tern.testbase.ScramClient;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** STARTTLS (RFC 3207), implicit TLS (RFC 8314), AUTH (RFC 4954) and submission (RFC 6409), in memory. */
class SecureSessionTest {
    // PLAIN "\0alice@local.test\0secret" and friends (RFC 4616 §2).
    static final String GOOD = "AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0";
    static final String WRONG = "AGFsaWNlQGxvY2FsLnRlc3QAd3Jvbmc=";
    static final String NOBODY = "AG5vYm9keUBsb2NhbC50ZXN0AHNlY3JldA==";
    static final String SLOW = "AHNsb3dAbG9jYWwudGVzdABzZWNyZXQ=";

    final TableCredentials credentials = new TableCredentials();

    /** smtp: port 25 with TLS; submission: 587; loopback: 587 with plaintext AUTH; smtps: 465. */
    SecurityProfile profile(String name) {
        return switch (name) {
            case "plain" -> SecurityProfile.PLAIN;
            case "smtp" -> new SecurityProfile(true, false, true, false, false, credentials);
            case "submission" -> new SecurityProfile(true, false, true, false, true, credentials);
            case "loopback" -> new SecurityProfile(true, false, true, true, true, credentials);
            case "smtps" -> new SecurityProfile(false, true, true, false, true, credentials);
            default -> throw new IllegalArgumentException(name);
        };
    }

    SmtpSession session(String profile, RecipientPolicy policy) {
        SmtpSession session = new SmtpSession(SmtpSessionTest.SETTINGS, policy, "192.0.2.7", profile(profile),
                new MemoryContentStage());
        session.greeting();
        return session;
    }

    /**
     * Plays {@code ;}-separated lines: a command, or an AUTH response when the last step asked for one.
     * {@code <tls>}: the handshake after STARTTLS completed; {@code <empty>}: an empty AUTH response;
     * {@code <long>}: an AUTH response over the line limit.
     */
    static Step play(SmtpSession session, String lines) {
        Step step = Step.silent(Next.COMMAND);
        for (String line : lines.split(" *; *")) {
            step = switch (line) {
                case "<tls>" -> {
                    assertThat(step.next()).isEqualTo(Next.START_TLS);
                    yield session.tlsStarted();
                }
                case "<empty>" -> session.authResponse("");
                case "<long>" -> session.authLineTooLong();
                default -> step.next() instanceof Next.ReadAuthResponse ? session.authResponse(line) : session.command(line);
            };
        }
        return step;
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 3207 §4: STARTTLS only where offered, without arguments, not twice, not inside a transaction.
        plain      | STARTTLS                                                   | 502 5.5.1 *
        smtp       | STARTTLS                                                   | 220 2.0.0 Ready to start TLS
        smtp       | EHLO c.test; STARTTLS                                      | 220 2.0.0 Ready to start TLS
        submission | EHLO c.test; STARTTLS                                      | 220 2.0.0 Ready to start TLS
        smtp       | STARTTLS now                                               | 501 5.5.4 *
        smtp       | EHLO c.test; MAIL FROM:<a@b.example>; STARTTLS             | 503 5.5.1 Not permitted during a mail transaction
        smtp       | STARTTLS; <tls>; STARTTLS                                  | 503 5.5.1 TLS already active
        smtps      | STARTTLS                                                   | 503 5.5.1 TLS already active
        # RFC 3207 §4.2: after the handshake the session starts over: EHLO again first.
        smtp       | EHLO c.test; STARTTLS; <tls>; MAIL FROM:<a@b.example>      | 503 5.5.1 Send HELO/EHLO first
        smtp       | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example>      | 250 2.1.0 Ok
        # RFC 4954 §4: AUTH only where offered, after EHLO, once, outside a transaction.
        plain      | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0   | 502 5.5.1 *
        smtp       | STARTTLS; <tls>; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0 | 503 5.5.1 Send EHLO first
        smtp       | STARTTLS; <tls>; HELO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0 | 503 5.5.1 Send EHLO first
        smtps      | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0   | 235 2.7.0 Authentication successful
        smtps      | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0 | 503 5.5.1 Already authenticated
        smtp       | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example>; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0 | 503 5.5.1 Not permitted during a mail transaction
        # RFC 4954 §6: 538 5.7.11 when the mechanism needs encryption and there is none.
        smtp       | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0   | 538 5.7.11 Encryption required for requested authentication mechanism
        submission | EHLO c.test; AUTH LOGIN                                    | 538 5.7.11 *
        loopback   | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0   | 235 2.7.0 Authentication successful
        # RFC 4954 §4: 504 unknown mechanism; 501 bad arguments; 501 5.5.2 bad base64 (§6).
        smtps      | EHLO c.test; AUTH CRAM-MD5                                 | 504 5.5.4 Unrecognized authentication type
        smtps      | EHLO c.test; AUTH SCRAM-SHA-256-PLUS                       | 504 5.5.4 *
        smtps      | EHLO c.test; AUTH PLAIN a b                                | 501 5.5.4 *
        smtps      | EHLO c.test; AUTH PLAIN !!!!                               | 501 5.5.2 Cannot decode base64 response
        smtps      | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0A  | 501 5.5.2 *
        smtps      | EHLO c.test; AUTH PLAIN AGFs aWNl                          | 501 5.5.4 *
        # RFC 4954 §4: "=" is an empty initial response (not a valid PLAIN message).
        smtps      | EHLO c.test; AUTH PLAIN =                                  | 535 5.7.8 Authentication credentials invalid
        # RFC 4954 §6: 535 5.7.8, the same for a wrong password and an unknown user; 454 4.7.0 when throttled.
        smtps      | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAd3Jvbmc=   | 535 5.7.8 Authentication credentials invalid
        smtps      | EHLO c.test; AUTH PLAIN AG5vYm9keUBsb2NhbC50ZXN0AHNlY3JldA== | 535 5.7.8 Authentication credentials invalid
        smtps      | EHLO c.test; AUTH PLAIN AHNsb3dAbG9jYWwudGVzdABzZWNyZXQ=   | 454 4.7.0 Temporary authentication failure
        smtps      | EHLO c.test; auth plain AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0   | 235 2.7.0 *
        # RFC 4422 §3.4: without an initial response, an empty challenge; then the response line.
        smtps      | EHLO c.test; AUTH PLAIN                                    | 334
        smtps      | EHLO c.test; AUTH PLAIN; AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0  | 235 2.7.0 *
        smtps      | EHLO c.test; AUTH PLAIN; <empty>                           | 535 5.7.8 *
        # RFC 4954 §4: "*" cancels with 501; a bad response 501 5.5.2; §6: a line too long 500 5.5.6.
        smtps      | EHLO c.test; AUTH PLAIN; *                                 | 501 5.0.0 Authentication cancelled
        smtps      | EHLO c.test; AUTH PLAIN; !!!!                              | 501 5.5.2 *
        smtps      | EHLO c.test; AUTH PLAIN; <long>                            | 500 5.5.6 Authentication exchange line is too long
        smtps      | EHLO c.test; AUTH PLAIN; *; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0 | 235 2.7.0 *
        # LOGIN: "Username:" and "Password:" prompts; an initial response is the user name.
        smtps      | EHLO c.test; AUTH LOGIN                                    | 334 VXNlcm5hbWU6
        smtps      | EHLO c.test; AUTH LOGIN; YWxpY2VAbG9jYWwudGVzdA==          | 334 UGFzc3dvcmQ6
        smtps      | EHLO c.test; AUTH LOGIN; YWxpY2VAbG9jYWwudGVzdA==; c2VjcmV0 | 235 2.7.0 *
        smtps      | EHLO c.test; AUTH LOGIN YWxpY2VAbG9jYWwudGVzdA==; c2VjcmV0 | 235 2.7.0 *
        smtps      | EHLO c.test; AUTH LOGIN YWxpY2VAbG9jYWwudGVzdA==; d3Jvbmc= | 535 5.7.8 *
        smtps      | EHLO c.test; AUTH LOGIN; *                                 | 501 5.0.0 *
        smtps      | EHLO c.test; AUTH SCRAM-SHA-256                            | 334
        # RFC 4954 §6 / RFC 6409 §4.3: submission needs AUTH before MAIL; port 25 does not.
        submission | EHLO c.test; MAIL FROM:<a@b.example>                       | 530 5.7.0 Authentication required
        smtps      | EHLO c.test; MAIL FROM:<a@b.example>                       | 530 5.7.0 Authentication required
        smtps      | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAd3Jvbmc=; MAIL FROM:<a@b.example> | 530 5.7.0 *
        submission | STARTTLS; <tls>; EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0; MAIL FROM:<a@b.example> | 250 2.1.0 Ok
        smtp       | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example>      | 250 2.1.0 Ok
        # RFC 3207 §4.2: authentication before STARTTLS is forgotten too.
        loopback   | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0; STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example> | 530 5.7.0 *
        """)
    void repliesInSequence(String profile, String lines, String expected) {
        Step step = play(session(profile, new TablePolicy()), lines);
        assertThat(step.reply()).get().extracting(Reply::toString).asString().matches(expected.replace("*", ".*"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 3207 §4.2: STARTTLS offered until TLS is active; RFC 4954 §3: AUTH once encrypted (or allowed), until used.
        plain      | EHLO c.test                                                | -STARTTLS -AUTH
        smtp       | EHLO c.test                                                | +STARTTLS -AUTH
        smtp       | STARTTLS; <tls>; EHLO c.test                               | -STARTTLS +AUTH
        submission | EHLO c.test                                                | +STARTTLS -AUTH
        loopback   | EHLO c.test                                                | +STARTTLS +AUTH
        smtps      | EHLO c.test                                                | -STARTTLS +AUTH
        smtps      | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0; EHLO c.test | -STARTTLS -AUTH
        """)
    void ehloAdvertises(String profile, String lines, String expected) {
        List<String> keywords = play(session(profile, new TablePolicy()), lines).reply().orElseThrow().lines();
        for (String expectation : expected.split(" ")) {
            String keyword = expectation.substring(1);
            boolean present = keyword.equals("AUTH") ? keywords.contains("AUTH PLAIN LOGIN SCRAM-SHA-256")
                    : keywords.contains(keyword);
            assertThat(present).as(expectation).isEqualTo(expectation.startsWith("+"));
        }
        if (keywords.stream().anyMatch(k -> k.startsWith("AUTH"))) {
            assertThat(keywords).contains("AUTH PLAIN LOGIN SCRAM-SHA-256");
        }
        assertThat(keywords.getLast()).isEqualTo("HELP");
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 3848: ESMTPS with TLS, ESMTPA with AUTH, ESMTPSA with both; RFC 6531 §3.7.3: the UTF8SMTP forms.
        smtp     | EHLO c.test                                                   | ESMTP
        smtp     | STARTTLS; <tls>; EHLO c.test                                  | ESMTPS
        smtp     | STARTTLS; <tls>; HELO c.test                                  | SMTP
        smtp     | STARTTLS; <tls>; EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0 | ESMTPSA
        loopback | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0       | ESMTPA
        smtps    | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0       | ESMTPSA
        """)
    void receivedHeaderNamesTheProtocol(String profile, String lines, String protocol) {
        for (String utf8 : List.of("", " SMTPUTF8")) {
            SmtpSession session = session(profile, new TablePolicy());
            play(session, lines + "; MAIL FROM:<a@b.example>" + utf8 + "; RCPT TO:<alice@local.test>");
            String expected = utf8.isEmpty() || protocol.equals("SMTP") ? protocol : protocol.replace("ESMTP", "UTF8SMTP");
            String header = session.receivedHeader(new QueueId("Q1"), ZonedDateTime.of(2025, 2, 3, 10, 4, 5, 0, ZoneOffset.UTC));
            assertThat(header).contains(" with " + expected + " id Q1");
        }
    }

    @Test
    void scramSha256ThroughTheSession() {
        SmtpSession session = session("smtps", new TablePolicy());
        ScramClient client = new ScramClient("alice@local.test", "secret", "rOprNGfwEbeRWgbNEkqO");
        play(session, "EHLO c.test");
        Step first = session.command("AUTH SCRAM-SHA-256 " + ScramClient.base64(client.first()));
        assertThat(first.next()).isEqualTo(Next.AUTH_RESPONSE);
        String serverFirst = ScramClient.decode(first.reply().orElseThrow().lines().getFirst());
        assertThat(serverFirst).startsWith("r=rOprNGfwEbeRWgbNEkqO").contains(",s=", ",i=4096");
        Step last = session.authResponse(ScramClient.base64(client.last(serverFirst)));
        assertThat(last.next()).isEqualTo(Next.AUTH_RESPONSE);
        assertThat(ScramClient.decode(last.reply().orElseThrow().lines().getFirst())).isEqualTo(client.expectedServerFinal());
        assertThat(session.authResponse("")).isEqualTo(Step.reply(Replies.AUTHENTICATED));
        assertThat(session.authenticatedUser()).contains("alice@local.test");
    }

    // RFC 9266 tls-exporter: a made-up 32-octet value, as the connection would compute under TLS 1.3.
    static final byte[] EXPORTER = "0123456789abcdef0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A session after STARTTLS (or on SMTPS) with {@code binding}, after EHLO; returns the EHLO keywords. */
    List<String> boundSession(SmtpSession session, String profile, ChannelBinding binding) {
        if (profile.equals("smtps")) {
            session.implicitTlsStarted(binding);
        } else {
            assertThat(session.command("STARTTLS").next()).isEqualTo(Next.START_TLS);
            session.tlsStarted(binding);
        }
        return session.command("EHLO c.test").reply().orElseThrow().lines();
    }

    /** Runs a SCRAM exchange with {@code mechanism}; the reply that ends it. */
    static Reply scram(SmtpSession session, String mechanism, ScramClient client) {
        Step first = session.command("AUTH " + mechanism + " " + ScramClient.base64(client.first()));
        if (!(first.next() instanceof Next.ReadAuthResponse)) return first.reply().orElseThrow();
        String serverFirst = ScramClient.decode(first.reply().orElseThrow().lines().getFirst());
        Step last = session.authResponse(ScramClient.base64(client.last(serverFirst)));
        if (!(last.next() instanceof Next.ReadAuthResponse)) return last.reply().orElseThrow();
        assertThat(ScramClient.decode(last.reply().orElseThrow().lines().getFirst())).isEqualTo(client.expectedServerFinal());
        return session.authResponse("").reply().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"smtp", "submission", "smtps"})
    void ehloOffersScramPlusOnlyWithAChannelBinding(String profile) {
        assertThat(boundSession(session(profile, new TablePolicy()), profile, new ChannelBinding.TlsExporter(EXPORTER)))
                .contains("AUTH PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS");
        assertThat(boundSession(session(profile, new TablePolicy()), profile, ChannelBinding.NONE))
                .contains("AUTH PLAIN LOGIN SCRAM-SHA-256").noneMatch(k -> k.contains("PLUS"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"smtp", "smtps"})
    void scramSha256PlusThroughTheSession(String profile) {
        SmtpSession session = session(profile, new TablePolicy());
        boundSession(session, profile, new ChannelBinding.TlsExporter(EXPORTER));
        assertThat(scram(session, "SCRAM-SHA-256-PLUS", ScramClient.plus("alice@local.test", "secret", "abc", EXPORTER)))
                .isEqualTo(Replies.AUTHENTICATED);
        assertThat(session.authenticatedUser()).contains("alice@local.test");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # Another exporter value in c=: the TLS connection is not the client's (a man in the middle).
        SCRAM-SHA-256-PLUS | p=tls-exporter, | other  | 535 5.7.8
        # -PLUS binds to tls-exporter only.
        SCRAM-SHA-256-PLUS | p=tls-unique,   | same   | 535 5.7.8
        SCRAM-SHA-256-PLUS | n,              | none   | 535 5.7.8
        # RFC 5802 §6: "y" while this server offers -PLUS means the offer was stripped: a downgrade.
        SCRAM-SHA-256      | y,              | none   | 535 5.7.8
        SCRAM-SHA-256      | p=tls-exporter, | same   | 535 5.7.8
        SCRAM-SHA-256      | n,              | none   | 235 2.7.0
        """)
    void channelBindingMismatchesFailWith535(String mechanism, String flag, String data, String reply) {
        SmtpSession session = session("submission", new TablePolicy());
        boundSession(session, "submission", new ChannelBinding.TlsExporter(EXPORTER));
        byte[] octets = switch (data) {
            case "same" -> EXPORTER;
            case "other" -> "0123456789abcdef0123456789ABCDEX".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            default -> new byte[0];
        };
        ScramClient client = new ScramClient("alice@local.test", "secret", "abc", flag + ",", octets);
        assertThat(scram(session, mechanism, client).wire()).startsWith(reply + " ");
    }

    @Test
    void withoutABindingTheYFlagIsFineAndPlusIsUnknown() {
        SmtpSession session = session("submission", new TablePolicy());
        boundSession(session, "submission", ChannelBinding.NONE);
        ScramClient plus = ScramClient.plus("alice@local.test", "secret", "abc", EXPORTER);
        assertThat(scram(session, "SCRAM-SHA-256-PLUS", plus).wire()).startsWith("504 5.5.4 ");
        ScramClient y = new ScramClient("alice@local.test", "secret", "abc", "y,,", new byte[0]);
        assertThat(scram(session, "SCRAM-SHA-256", y)).isEqualTo(Replies.AUTHENTICATED);
    }

    @Test
    void theBindingOfImplicitTlsIsGivenBeforeAnythingElse() {
        SmtpSession smtp = session("smtp", new TablePolicy());
        assertThatThrownBy(() -> smtp.implicitTlsStarted(ChannelBinding.NONE)).isInstanceOf(IllegalStateException.class);
        SmtpSession smtps = session("smtps", new TablePolicy());
        smtps.command("EHLO c.test");
        assertThatThrownBy(() -> smtps.implicitTlsStarted(ChannelBinding.NONE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void scramWithAWrongPasswordFailsWith535() {
        SmtpSession session = session("smtps", new TablePolicy());
        ScramClient client = new ScramClient("alice@local.test", "wrong", "abc");
        play(session, "EHLO c.test");
        Step first = session.command("AUTH SCRAM-SHA-256 " + ScramClient.base64(client.first()));
        String serverFirst = ScramClient.decode(first.reply().orElseThrow().lines().getFirst());
        assertThat(session.authResponse(ScramClient.base64(client.last(serverFirst)))).isEqualTo(Step.reply(Replies.AUTH_FAILED));
        assertThat(session.authenticatedUser()).isEmpty();
    }

    @Test
    void failedAuthCountsAsAnErrorSoGuessingIsBounded() {
        SmtpSession session = session("smtps", new TablePolicy());
        play(session, "EHLO c.test");
        for (int i = 0; i < SmtpSessionTest.SETTINGS.maxErrors(); i++) {
            assertThat(session.command("AUTH PLAIN " + WRONG).reply().orElseThrow().code()).isEqualTo(535);
        }
        assertThat(session.command("AUTH PLAIN " + WRONG)).isEqualTo(Step.reply(Replies.TOO_MANY_ERRORS, Next.CLOSE));
    }

    @Test
    void repliesNeverEchoCredentials() {
        SmtpSession session = session("smtps", new TablePolicy());
        StringBuilder wire = new StringBuilder();
        for (String line : List.of("EHLO c.test", "AUTH PLAIN " + WRONG, "AUTH LOGIN", "YWxpY2VAbG9jYWwudGVzdA==",
                "d3Jvbmc=", "AUTH PLAIN " + NOBODY, "AUTH PLAIN " + SLOW)) {
            Step step = line.startsWith("AUTH") || line.startsWith("EHLO") ? session.command(line) : session.authResponse(line);
            step.reply().ifPresent(r -> wire.append(r.wire()));
        }
        assertThat(wire.toString()).doesNotContain("alice", "wrong", "nobody", "slow", "secret", "d3Jvbmc", "YWxpY2");
    }

    @Test
    void authenticationIsForgottenAfterTls() {
        SmtpSession session = session("loopback", new TablePolicy());
        play(session, "EHLO c.test; AUTH PLAIN " + GOOD);
        assertThat(session.authenticatedUser()).contains("alice@local.test");
        play(session, "STARTTLS; <tls>");
        assertThat(session.authenticatedUser()).isEmpty();
    }

    @Test
    void outOfOrderTlsAndAuthCallsAreBugs() {
        SmtpSession session = session("smtp", new TablePolicy());
        assertThatThrownBy(session::tlsStarted).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> session.authResponse("")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(session::authLineTooLong).isInstanceOf(IllegalStateException.class);
        session.command("STARTTLS");
        assertThatThrownBy(() -> session.command("NOOP")).isInstanceOf(IllegalStateException.class);
    }

    /** Records what the session asks, and refuses senders it is told to. */
    static final class RecordingPolicy implements RecipientPolicy {
        final List<String> asked = new ArrayList<>();
        final Map<String, Reply> refusedSenders = Map.of("other@b.example",
                Reply.of(553, "5.7.1", "Sender address not owned by the authenticated user"));

        @Override
        public Verdict recipient(Mailbox forwardPath, Optional<String> user) {
            asked.add("RCPT " + forwardPath + " " + user.orElse("-"));
            return Verdict.ACCEPT;
        }

        @Override
        public Verdict sender(ReversePath reversePath, Optional<String> user) {
            asked.add("MAIL " + reversePath + " " + user.orElse("-"));
            Reply refusal = reversePath instanceof ReversePath.Sender(Mailbox m) ? refusedSenders.get(m.toString()) : null;
            return refusal == null ? Verdict.ACCEPT : new Verdict.Reject(refusal);
        }

        @Override
        public Reply verify(String argument) {
            return Replies.CANNOT_VRFY;
        }

        @Override
        public Reply expand(String argument) {
            return Replies.NOT_IMPLEMENTED;
        }
    }

    @Test
    void thePolicyLearnsTheAuthenticatedUserAndMayRefuseTheSender() {
        RecordingPolicy policy = new RecordingPolicy();
        SmtpSession session = session("smtps", policy);
        play(session, "EHLO c.test; AUTH PLAIN " + GOOD + "; MAIL FROM:<alice@local.test>; RCPT TO:<x@far.example>; RSET");
        assertThat(play(session, "MAIL FROM:<other@b.example>").reply().orElseThrow().toString())
                .isEqualTo("553 5.7.1 Sender address not owned by the authenticated user");
        assertThat(play(session, "RCPT TO:<x@far.example>").reply().orElseThrow().toString()).startsWith("503 5.5.1");
        assertThat(policy.asked).containsExactly("MAIL <alice@local.test> alice@local.test",
                "RCPT x@far.example alice@local.test", "MAIL <other@b.example> alice@local.test");
    }

    @Test
    void unauthenticatedSessionsAskThePolicyWithoutAUser() {
        RecordingPolicy policy = new RecordingPolicy();
        play(session("plain", policy), "EHLO c.test; MAIL FROM:<>; RCPT TO:<x@local.test>");
        assertThat(policy.asked).containsExactly("MAIL <> -", "RCPT x@local.test -");
    }
}
