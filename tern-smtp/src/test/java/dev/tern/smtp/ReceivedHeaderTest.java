package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.QueueId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReceivedHeaderTest {
    static final ZonedDateTime WHEN = ZonedDateTime.of(2025, 2, 3, 10, 4, 5, 0, ZoneOffset.ofHours(1));

    static SmtpSession transaction(String address, String commands) {
        SmtpSession session = new SmtpSession(SmtpSessionTest.SETTINGS, new TablePolicy(), address, SecurityProfile.PLAIN,
                new MemoryContentStage());
        session.greeting();
        for (String command : commands.split(" *; *")) session.command(command);
        return session;
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '¤', textBlock = """
        # RFC 5321 §4.4 trace fields; "for" only with a single recipient; RFC 3848 / RFC 6531 §3.7.3 "with".
        192.0.2.7   | EHLO client.test; MAIL FROM:<a@b.example>; RCPT TO:<alice@local.test>; DATA | Received: from client.test ([192.0.2.7])\\r\\n\\tby mx.local.test (Tern) with ESMTP id Q1\\r\\n\\tfor <alice@local.test>; Mon, 3 Feb 2025 10:04:05 +0100\\r\\n
        192.0.2.7   | HELO client.test; MAIL FROM:<>; RCPT TO:<alice@local.test>; RCPT TO:<bob@local.test>; DATA | Received: from client.test ([192.0.2.7])\\r\\n\\tby mx.local.test (Tern) with SMTP id Q1; Mon, 3 Feb 2025 10:04:05 +0100\\r\\n
        2001:db8::7 | EHLO [IPv6:2001:DB8::7]; MAIL FROM:<jörg@b.example> SMTPUTF8; RCPT TO:<jörg@local.test>; DATA | Received: from [IPv6:2001:db8::7] ([IPv6:2001:db8::7])\\r\\n\\tby mx.local.test (Tern) with UTF8SMTP id Q1\\r\\n\\tfor <jörg@local.test>; Mon, 3 Feb 2025 10:04:05 +0100\\r\\n
        192.0.2.7   | EHLO client.test; MAIL FROM:<a@b.example>; RCPT TO:<alice@local.test>; BDAT 10 LAST | Received: from client.test ([192.0.2.7])\\r\\n\\tby mx.local.test (Tern) with ESMTP id Q1\\r\\n\\tfor <alice@local.test>; Mon, 3 Feb 2025 10:04:05 +0100\\r\\n
        """)
    void namesTheClientTheProtocolAndASingleRecipient(String address, String commands, String expected) {
        SmtpSession session = transaction(address, commands);
        assertThat(session.receivedHeader(new QueueId("Q1"), WHEN)).isEqualTo(expected.translateEscapes());
    }

    @Test
    void longPartsAreFoldedAtSpacesAndNothingBreaksALine() {
        String helo = "a".repeat(63) + "." + "b".repeat(63) + ".example";
        String rcpt = "x".repeat(64) + "@local.test";
        SmtpSession session = transaction("192.0.2.7", "EHLO " + helo + "; MAIL FROM:<>; RCPT TO:<" + rcpt + ">; DATA");
        String header = session.receivedHeader(new QueueId("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), WHEN);
        assertThat(header).startsWith("Received:").endsWith("\r\n");
        String[] lines = header.substring(0, header.length() - 2).split("\r\n", -1);
        assertThat(Arrays.stream(lines).skip(1)).allMatch(line -> line.startsWith("\t"));
        assertThat(lines).allMatch(line -> line.indexOf('\r') < 0 && line.indexOf('\n') < 0);
        // RFC 5322 §2.1.1: at most 78 columns, unless one unfoldable part is longer by itself.
        assertThat(lines).allMatch(line -> line.length() <= 78 || line.contains(helo) || line.contains(rcpt));
        assertThat(lines).hasSize(5);
        assertThat(header.replaceAll("\r\n\t", " ")).contains(helo, rcpt, "Mon, 3 Feb 2025 10:04:05 +0100");
    }
}
