package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.QueueId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** REQUIRETLS on receipt (RFC 8689 §4), in memory: offered and accepted only in a TLS session. */
class RequireTlsSessionTest {
    private final SecureSessionTest secure = new SecureSessionTest();

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 8689 §4: the keyword only when the session is protected by TLS.
        plain | EHLO c.test                  | false
        smtp  | EHLO c.test                  | false
        smtp  | STARTTLS; <tls>; EHLO c.test | true
        smtps | EHLO c.test                  | true
        """)
    void ehloOffersRequireTlsOnlyOverTls(String profile, String lines, boolean offered) {
        List<String> keywords = SecureSessionTest.play(secure.session(profile, new TablePolicy()), lines)
                .reply().orElseThrow().lines();
        assertThat(keywords.contains("REQUIRETLS")).isEqualTo(offered);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 8689 §4: MAIL FROM REQUIRETLS (no value) only in a TLS session; else 530 5.7.10 (encryption needed).
        plain | EHLO c.test; MAIL FROM:<a@b.example> REQUIRETLS                   | 530 5.7.10 REQUIRETLS needs a TLS session
        smtp  | EHLO c.test; MAIL FROM:<a@b.example> REQUIRETLS                   | 530 5.7.10 *
        smtp  | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example> REQUIRETLS  | 250 2.1.0 Ok
        smtp  | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example> requiretls  | 250 2.1.0 Ok
        smtps | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0; MAIL FROM:<a@b.example> SMTPUTF8 REQUIRETLS BODY=8BITMIME | 250 2.1.0 Ok
        smtp  | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<> REQUIRETLS             | 250 2.1.0 Ok
        # RFC 5321 §4.1.1.11: over TLS but after HELO nothing was advertised: 555.
        smtp  | STARTTLS; <tls>; HELO c.test; MAIL FROM:<a@b.example> REQUIRETLS  | 555 5.5.4 *
        # The keyword takes no value and comes once (RFC 5321 §4.1.2 parameter grammar).
        smtp  | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example> REQUIRETLS=YES | 501 5.5.4 *
        smtp  | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example> REQUIRETLS REQUIRETLS | 501 5.5.4 Duplicate parameter
        # A refused MAIL leaves no transaction: the next MAIL without the option is fine.
        smtp  | EHLO c.test; MAIL FROM:<a@b.example> REQUIRETLS; MAIL FROM:<a@b.example> | 250 2.1.0 Ok
        """)
    void mailFromRequireTls(String profile, String lines, String expected) {
        Step step = SecureSessionTest.play(secure.session(profile, new TablePolicy()), lines);
        assertThat(step.reply()).get().extracting(Reply::toString).asString().matches(expected.replace("*", ".*"));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # The envelope carries the option to the spool (MailOptions.requireTls); Received: keeps its protocol.
        smtp  | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example> REQUIRETLS | true  | ESMTPS
        smtp  | STARTTLS; <tls>; EHLO c.test; MAIL FROM:<a@b.example>            | false | ESMTPS
        smtps | EHLO c.test; AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0; MAIL FROM:<a@b.example> REQUIRETLS | true | ESMTPSA
        smtp  | EHLO c.test; MAIL FROM:<a@b.example>                             | false | ESMTP
        """)
    void envelopeRecordsRequireTls(String profile, String lines, boolean requireTls, String protocol) {
        SmtpSession session = secure.session(profile, new TablePolicy());
        SecureSessionTest.play(session, lines + "; RCPT TO:<alice@local.test>");
        assertThat(session.envelope().options().requireTls()).isEqualTo(requireTls);
        String header = session.receivedHeader(new QueueId("Q1"), ZonedDateTime.of(2025, 2, 3, 10, 4, 5, 0, ZoneOffset.UTC));
        assertThat(header).contains(" with " + protocol + " id Q1");
    }
}
