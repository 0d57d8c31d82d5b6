package dev.tern.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.smtp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyParserTest {
    /** Feeds {@code input} in pieces of {@code chunk} octets; each reply as "code status text/text", or the failure. */
    static List<String> parse(byte[] input, int chunk) {
        ReplyParser parser = new ReplyParser();
        List<String> out = new ArrayList<>();
        for (int at = 0; at < input.length; ) {
            int end = Math.min(input.length, at + chunk);
            while (at < end) {
                ReplyRead read = parser.feed(input, at, end - at);
                switch (read) {
                    case ReplyRead.Incomplete() -> at = end;
                    case ReplyRead.Complete(Reply reply, int consumed) -> {
                        out.add(describe(reply));
                        at += consumed;
                    }
                    case ReplyRead.Malformed(String reason) -> {
                        out.add("malformed");
                        return out;
                    }
                }
            }
        }
        if (parser.inReply()) out.add("incomplete");
        return out;
    }

    static String describe(Reply reply) {
        return reply.code() + " " + reply.enhanced().map(Object::toString).orElse("-") + " " + String.join("/", reply.lines());
    }

    static byte[] bytes(String escaped) {
        return escaped.translateEscapes().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # input (Java escapes)                                   | replies, ';' between them
        # RFC 5321 §4.2: one line, code SP text.
        250 Ok\\r\\n                                             | 250 - Ok
        220 mx.example ESMTP\\r\\n                               | 220 - mx.example ESMTP
        # The code alone, and code SP with no text.
        250\\r\\n                                                | '250 - '
        '250 \\r\\n'                                             | '250 - '
        # RFC 5321 §4.2.1: hyphen continues, space ends; the code repeats on every line.
        250-mx.example\\r\\n250-PIPELINING\\r\\n250 SIZE 10\\r\\n  | 250 - mx.example/PIPELINING/SIZE 10
        250-\\r\\n250 last\\r\\n                                 | 250 - /last
        # RFC 2034 §4, RFC 3463 §2: an enhanced status when its class matches, taken off every line.
        250 2.1.0 Ok\\r\\n                                       | 250 2.1.0 Ok
        550-5.1.1 No such\\r\\n550 5.1.1 user\\r\\n              | 550 5.1.1 No such/user
        550 5.1.1\\r\\n                                          | '550 5.1.1 '
        452 4.5.3 Too many recipients\\r\\n                      | 452 4.5.3 Too many recipients
        554 5.123.456 Odd\\r\\n                                  | 554 5.123.456 Odd
        # No status: wrong class, not three parts, too many digits, no space after, 3yz.
        550 2.0.0 Odd\\r\\n                                      | 550 - 2.0.0 Odd
        550 5.1 Odd\\r\\n                                        | 550 - 5.1 Odd
        550 5.1.1234 Odd\\r\\n                                   | 550 - 5.1.1234 Odd
        550 5.1.1x Odd\\r\\n                                     | 550 - 5.1.1x Odd
        354 2.0.0 Go ahead\\r\\n                                 | 354 - 2.0.0 Go ahead
        # Several replies at once (RFC 2920 pipelining): each complete on its own.
        250 2.1.0 Ok\\r\\n250 2.1.5 Ok\\r\\n354 Go\\r\\n         | 250 2.1.0 Ok;250 2.1.5 Ok;354 - Go
        # Leniency: LF alone ends a line; controls and invalid UTF-8 become U+FFFD; UTF-8 stays.
        250 Ok\\n                                                | 250 - Ok
        250 a\\0b\\rc\\r\\n                                  | 250 - a\uFFFDb\uFFFDc
        250 a\\tb\\r\\n                                          | 250 - a\tb
        550 5.1.1 Unbekannter Empfänger\\r\\n                    | 550 5.1.1 Unbekannter Empfänger
        # Not yet ended.
        250-a\\r\\n                                              | incomplete
        250 a                                                    | incomplete
        # Malformed: RFC 5321 §4.2 Reply-code = %x32-35 %x30-35 %x30-39, then SP or hyphen.
        25\\r\\n                                                 | malformed
        \\r\\n                                                   | malformed
        150 Odd\\r\\n                                            | malformed
        650 Odd\\r\\n                                            | malformed
        260 Odd\\r\\n                                            | malformed
        2x0 Odd\\r\\n                                            | malformed
        250xOk\\r\\n                                             | malformed
        ' 250 Ok\\r\\n'                                          | malformed
        250-a\\r\\n251 b\\r\\n                                   | malformed
        250-a\\r\\nb\\r\\n                                       | malformed
        # A good reply before a bad one is still delivered.
        250 Ok\\r\\nhello\\r\\n                                  | 250 - Ok;malformed
        """)
    void parsesReplies(String input, String expected) {
        byte[] wire = bytes(input);
        List<String> whole = parse(wire, wire.length);
        assertThat(String.join(";", whole)).isEqualTo(expected.translateEscapes());
        // Split at any octet, the result is the same.
        for (int chunk = 1; chunk < wire.length; chunk++) assertThat(parse(wire, chunk)).as("chunk %d", chunk).isEqualTo(whole);
    }

    @Test
    void lineOfTheLimitIsTakenAndOneOctetMoreIsMalformed() {
        String text = "x".repeat(ReplyParser.MAX_LINE - 6);
        assertThat(parse(bytes("250 " + text + "\\r\\n"), 4096)).containsExactly("250 - " + text);
        assertThat(parse(bytes("250 " + text + "x\\r\\n"), 4096)).containsExactly("malformed");
        assertThat(parse(bytes("250 " + text + "x\\n"), 4096)).containsExactly("250 - " + text + "x");
    }

    @Test
    void replyOfMoreThanTheLineLimitIsMalformed() {
        String ok = "250-x\r\n".repeat(ReplyParser.MAX_LINES - 1) + "250 x\r\n";
        assertThat(parse(ok.getBytes(StandardCharsets.US_ASCII), 512)).hasSize(1).first().asString().startsWith("250 - x/x");
        String over = "250-x\r\n".repeat(ReplyParser.MAX_LINES) + "250 x\r\n";
        assertThat(parse(over.getBytes(StandardCharsets.US_ASCII), 512)).containsExactly("malformed");
    }

    @Test
    void malformedParserStaysSpent() {
        ReplyParser parser = new ReplyParser();
        byte[] bad = bytes("xyz\\r\\n");
        assertThat(parser.feed(bad, 0, bad.length)).isInstanceOf(ReplyRead.Malformed.class);
        byte[] good = bytes("250 Ok\\r\\n");
        assertThat(parser.feed(good, 0, good.length)).isInstanceOf(ReplyRead.Malformed.class);
    }

    @Test
    void endlessLineWithoutLfIsBoundedNotBuffered() {
        ReplyParser parser = new ReplyParser();
        byte[] junk = new byte[1024];
        java.util.Arrays.fill(junk, (byte) 'x');
        ReplyRead read = new ReplyRead.Incomplete();
        for (int i = 0; i < 100 && read instanceof ReplyRead.Incomplete; i++) read = parser.feed(junk, 0, junk.length);
        assertThat(read).isInstanceOf(ReplyRead.Malformed.class);
    }
}
