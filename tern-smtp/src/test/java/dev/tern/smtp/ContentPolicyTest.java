package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One content policy for DATA and BDAT: the same message is stored or refused alike whichever command carries
 * it (RFC 5321 §2.3.8 bare CR/LF, §4.5.3.1.6 line length). DATA gets the body dot-stuffed with its terminator;
 * BDAT gets it as is, in one chunk and split into chunks at every octet.
 */
class ContentPolicyTest {
    final TablePolicy policy = new TablePolicy();
    final MemoryContentStage stage = new MemoryContentStage();

    SmtpSession open(String hello) {
        SmtpSession session = new SmtpSession(SmtpSessionTest.SETTINGS, policy, "192.0.2.7", SecurityProfile.PLAIN, stage);
        session.greeting();
        for (String command : (hello + "; MAIL FROM:<a@b.example>; RCPT TO:<alice@local.test>").split("; ")) {
            session.command(command);
        }
        return session;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '¤', textBlock = """
        # Well-formed text, with and without a final CRLF.
        Subject: x\\r\\n\\r\\nhello\\r\\n                          | 250
        Subject: x\\r\\n\\r\\nno final line end                     | 250
        # RFC 5321 §2.3.8: bare LF and bare CR anywhere, including the smuggling shapes of CVE-2023-51764.
        Subject: x\\r\\n\\r\\nhi\\n.\\nMAIL FROM:<a@evil.example>\\r\\n | 550 5.6.0
        Subject: x\\r\\n\\r\\nhi\\r\\n.\\nRCPT TO:<v@x.example>\\r\\n   | 550 5.6.0
        Subject: x\\r\\n\\r\\nhi\\n.\\r\\nDATA\\r\\n                   | 550 5.6.0
        Subject: x\\r\\n\\r\\nhi\\r.\\rQUIT\\r\\n                      | 550 5.6.0
        Subject: x\\r\\n\\r\\nlone\\rCR\\r\\n                          | 550 5.6.0
        Subject: x\\nbare LF in the header\\r\\n                    | 550 5.6.0
        Subject: x\\r\\n\\r\\nends in a bare CR\\r                  | 550 5.6.0
        Subject: x\\r\\n\\r\\nends in CR CR\\r\\r\\n                 | 550 5.6.0
        # RFC 5321 §4.5.3.1.6: 998 octets a line without CRLF; 999 is refused.
        Subject: x\\r\\n\\r\\n{998}\\r\\n                            | 250
        Subject: x\\r\\n\\r\\n{999}\\r\\n                            | 500 5.5.2
        """)
    void dataAndBdatJudgeAlike(String body, String expected) throws IOException {
        byte[] bytes = unescape(body);
        assertThat(viaData(bytes)).as("DATA").startsWith(expected);
        assertThat(viaBdat(bytes, bytes.length)).as("BDAT in one chunk").startsWith(expected);
        for (int split = 1; split < bytes.length; split++) {
            assertThat(viaBdat(bytes, split)).as("BDAT in chunks of %d", split).startsWith(expected);
        }
    }

    @Test
    void abandonedChunksAreDiscardedWithTheirTransaction() throws IOException {
        for (String end : new String[] {"RSET", "EHLO c.test", "HELO c.test"}) {
            SmtpSession session = open("EHLO c.test");
            Step step = session.command("BDAT 5");
            ((Next.ReadChunk) step.next()).content().write("hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
            session.contentEnded();
            int before = stage.discarded;
            session.command(end);
            assertThat(stage.discarded).as(end).isEqualTo(before + 1);
            // The next transaction's message holds only its own chunks.
            session.command("MAIL FROM:<a@b.example>");
            session.command("RCPT TO:<alice@local.test>");
            Step last = session.command("BDAT 3 LAST");
            ((Next.ReadChunk) last.next()).content().write("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
            assertThat(session.contentEnded().reply().orElseThrow().code()).isEqualTo(250);
            assertThat(stage.stored.getLast()).endsWith("\r\nabc").doesNotContain("hello");
        }
    }

    @Test
    void theEndOfTheConnectionDiscardsAMessageBeingReceived() throws IOException {
        SmtpSession session = open("EHLO c.test");
        Step step = session.command("DATA");
        assertThat(step.next()).isInstanceOf(Next.ReadData.class);
        session.end();
        assertThat(stage.discarded).isEqualTo(1);
        session.end();
        assertThat(stage.discarded).as("idempotent").isEqualTo(1);
    }

    private String viaData(byte[] body) throws IOException {
        SmtpSession session = open("EHLO c.test");
        Next.ReadData read = (Next.ReadData) session.command("DATA").next();
        byte[] wire = dotStuffed(body);
        int used = read.decoder().feed(wire, 0, wire.length, read.content());
        assertThat(used).isEqualTo(wire.length);
        assertThat(read.decoder().done()).isTrue();
        return session.contentEnded().reply().orElseThrow().toString();
    }

    private String viaBdat(byte[] body, int chunk) throws IOException {
        SmtpSession session = open("EHLO c.test");
        String reply = null;
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            boolean last = at + n == body.length;
            Next.ReadChunk read = (Next.ReadChunk) session.command("BDAT " + n + (last ? " LAST" : "")).next();
            read.content().write(body, at, n);
            reply = session.contentEnded().reply().orElseThrow().toString();
            if (!last) assertThat(reply).startsWith("250 2.0.0");
        }
        return reply;
    }

    /** RFC 5321 §4.5.2: a leading period is doubled; the body is closed with CRLF . CRLF. */
    private static byte[] dotStuffed(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        StringBuilder wire = new StringBuilder();
        boolean lineStart = true;
        for (char c : text.toCharArray()) {
            if (lineStart && c == '.') wire.append('.');
            wire.append(c);
            lineStart = c == '\n' && wire.length() > 1 && wire.charAt(wire.length() - 2) == '\r';
        }
        if (!text.endsWith("\r\n")) wire.append("\r\n");
        wire.append(".\r\n");
        return wire.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] unescape(String text) {
        String expanded = text.replace("{998}", "x".repeat(998)).replace("{999}", "x".repeat(999));
        return expanded.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
