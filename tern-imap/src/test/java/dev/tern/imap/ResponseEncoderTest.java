package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The encoder's choice of atom, quoted string or literal (RFC 9051 §4.3, §9), and whole responses. ⏎ is CRLF. */
class ResponseEncoderTest {
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '¤', textBlock = """
        # kind    | mode  | content           | written
        # An astring is an atom when it can be: not empty, no specials, not NIL.
        astring   | ASCII | INBOX             | INBOX
        astring   | ASCII | a]b               | a]b
        astring   | ASCII | {empty}           | ""
        astring   | ASCII | NIL               | "NIL"
        astring   | ASCII | nil               | "nil"
        astring   | ASCII | a b               | "a b"
        astring   | ASCII | a%b               | "a%b"
        astring   | ASCII | (x)               | "(x)"
        # A string is never an atom; quoted-specials are escaped.
        string    | ASCII | abc               | "abc"
        string    | ASCII | a"b               | "a\\"b"
        string    | ASCII | a\\b              | "a\\\\b"
        # CR or LF need a literal; NUL, which no string may hold, becomes U+FFFD.
        string    | ASCII | a{CR}{LF}b        | {4}⏎a{CR}{LF}b
        string    | UTF8  | a{NUL}            | "a\uFFFD"
        # 8-bit: a literal for IMAP4rev1 (RFC 3501 §4.3 quoted is 7-bit), quoted UTF-8 for IMAP4rev2 (RFC 9051 §9).
        string    | ASCII | Grüße             | {7}⏎Grüße
        string    | UTF8  | Grüße             | "Grüße"
        # Long strings go as literals.
        string    | UTF8  | {1024x}           | "{1024x}"
        string    | UTF8  | {1025x}           | {1025}⏎{1025x}
        # Mailbox names: modified UTF-7 for IMAP4rev1 (RFC 3501 §5.1.3), UTF-8 for IMAP4rev2.
        mailbox   | ASCII | Entwürfe          | Entw&APw-rfe
        mailbox   | UTF8  | Entwürfe          | "Entwürfe"
        mailbox   | ASCII | A&B               | A&-B
        mailbox   | ASCII | Sent Items        | "Sent Items"
        """)
    void choosesTheStringForm(String kind, TextMode mode, String content, String written) {
        String text = expand(content.strip());
        Value value = switch (kind.strip()) {
            case "astring" -> new Value.AString(text);
            case "string" -> new Value.Text(text);
            default -> new Value.Mailbox(new MailboxName(text));
        };
        String expected = "* " + expand(written.strip()).replace("⏎", "\r\n").replace("\\r\\n", "\r\n").replace("\\uFFFD", "\uFFFD") + "\r\n";
        assertThat(ResponseEncoder.encodeToString(Response.data(value), mode)).isEqualTo(expected);
    }

    @Test
    void writesTaggedAndUntaggedResponses() {
        assertThat(encode(Response.ok("a1", "LOGIN completed"))).isEqualTo("a1 OK LOGIN completed\r\n");
        assertThat(encode(Response.tagged("a2", Response.Status.NO, ResponseCode.TRYCREATE, "No such mailbox"))).isEqualTo("a2 NO [TRYCREATE] No such mailbox\r\n");
        assertThat(encode(Response.tagged("a3", Response.Status.OK, ResponseCode.copyUid(38505, SequenceSet.parse("304,319:320").orElseThrow(), SequenceSet.of(3956, 3958)), "Done")))
                .isEqualTo("a3 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
        assertThat(encode(new Response.Condition(Response.Status.OK, Optional.of(ResponseCode.permanentFlags(List.of(Flag.DELETED, Flag.SEEN, Flag.ANY_KEYWORD))), "Limited")))
                .isEqualTo("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
        assertThat(encode(new Response.Condition(Response.Status.NO, Optional.of(ResponseCode.badCharset(List.of("UTF-8"))), "")))
                .isEqualTo("* NO [BADCHARSET (UTF-8)]\r\n");
        assertThat(encode(Response.data(Value.number(23), Value.atom("EXISTS")))).isEqualTo("* 23 EXISTS\r\n");
        assertThat(encode(Response.data(Value.atom("LIST"), Value.list(Value.atom("\\HasNoChildren")), new Value.Text("/"), new Value.Mailbox(MailboxName.INBOX))))
                .isEqualTo("* LIST (\\HasNoChildren) \"/\" INBOX\r\n");
        assertThat(encode(Response.data(Value.number(1), Value.atom("FETCH"), Value.list(Value.atom("BINARY[]"), new Value.Octets(new byte[] {'a', 0, 'b'}, true)))))
                .isEqualTo("* 1 FETCH (BINARY[] ~{3}\r\na\0b)\r\n");
        assertThat(encode(Response.data(Value.atom("ID"), Value.nstring(Optional.empty())))).isEqualTo("* ID NIL\r\n");
        assertThat(encode(ResponseEncoder.CONTINUE_LITERAL)).isEqualTo("+ Ready for literal data\r\n");
        assertThat(encode(new Response.Continuation(""))).isEqualTo("+ \r\n");
    }

    @Test
    void responseTextIsSevenBitForImap4rev1Clients() {
        assertThat(ResponseEncoder.encodeToString(Response.no("a1", "Grüße"), TextMode.ASCII)).isEqualTo("a1 NO Gr??e\r\n");
        assertThat(ResponseEncoder.encodeToString(Response.no("a1", "Grüße"), TextMode.UTF8)).isEqualTo("a1 NO Grüße\r\n");
    }

    private static String encode(Response response) {
        return ResponseEncoder.encodeToString(response, TextMode.UTF8);
    }

    private static String expand(String s) {
        String out = s.replace("{empty}", "").replace("{CR}", "\r").replace("{LF}", "\n").replace("{NUL}", "\0");
        return out.replace("{1024x}", "x".repeat(1024)).replace("{1025x}", "x".repeat(1025));
    }
}
