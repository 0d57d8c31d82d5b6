package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.store.MessageStructure;
import dev.tern.store.StructureParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** ENVELOPE and BODYSTRUCTURE as RFC 9051 §7.5.2 writes them, BODY[section] (§6.4.5) and BINARY (RFC 3516). */
class MessageDataTest {
    // Written by hand from RFC 9051 §7.5.2 (the simple sample is RFC 3501 §7.4.2's example message) and what
    // Dovecot answers for such messages, types upper-cased as the RFC's examples are.
    static Stream<Arguments> bodyStructures() {
        return Stream.of(
                Arguments.of("simple.eml",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 79 2 NIL NIL NIL NIL)"),
                Arguments.of("alternative.eml",
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 37 1 NIL NIL NIL NIL)"
                        + " (\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 51 1 NIL NIL NIL NIL)"
                        + " \"ALTERNATIVE\" (\"BOUNDARY\" \"alt\") NIL NIL NIL)"),
                Arguments.of("mixed-attachment.eml",
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 47 1 NIL NIL (\"en\" \"de\") NIL)"
                        + " (\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") \"<report@example.com>\" \"Quarterly report\""
                        + " \"BASE64\" 402 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\" \"SIZE\" \"300\"))"
                        + " NIL \"http://example.com/report.pdf\")"
                        + " \"MIXED\" (\"BOUNDARY\" \"----=_Part_0_1\" \"CHARSET\" \"ignored\") NIL NIL NIL)"),
                Arguments.of("nested-rfc822.eml",
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 26 1 NIL NIL NIL NIL)"
                        + " (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 419"
                        + " (\"Mon, 3 Feb 2025 10:00:00 +0100\" \"Lunch\" ((\"Alice\" NIL \"alice\" \"example.org\"))"
                        + " ((\"Alice\" NIL \"alice\" \"example.org\")) ((\"Alice\" NIL \"alice\" \"example.org\"))"
                        + " ((\"Bob\" NIL \"bob\" \"example.net\")) NIL NIL \"<prev@example.net>\" \"<alt-1@example.org>\")"
                        + " ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 20 1 NIL NIL NIL NIL)"
                        + " (\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 27 1 NIL NIL NIL NIL)"
                        + " \"ALTERNATIVE\" (\"BOUNDARY\" \"inner\") NIL NIL NIL)"
                        + " 18 NIL (\"INLINE\" NIL) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"outer\") NIL NIL NIL)"),
                Arguments.of("missing-headers.eml",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL)"),
                Arguments.of("malformed.eml",
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)"
                        + " ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 18 1 NIL NIL NIL NIL)"
                        + " \"ALTERNATIVE\" (\"BOUNDARY\" \"b2\") NIL NIL NIL)"
                        + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"\") NIL NIL \"7BIT\" 31 1 NIL NIL NIL NIL)"
                        + " \"MIXED\" (\"BOUNDARY\" \"b1\") NIL NIL NIL)"),
                Arguments.of("no-separator.eml",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)"));
    }

    @ParameterizedTest
    @MethodSource("bodyStructures")
    void bodyStructureIsWrittenAsTheRfcDoes(String sample, String expected) {
        assertThat(Samples.text(MessageData.bodyStructure(Samples.structure(sample).body(), true))).isEqualTo(expected);
    }

    @Test
    void bodyLeavesOutExtensionData() {
        assertThat(Samples.text(MessageData.bodyStructure(Samples.structure("mixed-attachment.eml").body(), false)))
                .isEqualTo("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 47 1)"
                        + " (\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") \"<report@example.com>\" \"Quarterly report\""
                        + " \"BASE64\" 402) \"MIXED\")");
    }

    @Test
    void multipartWithoutPartsGetsOneEmptyTextPart() {
        byte[] content = "Content-Type: multipart/mixed; boundary=b\r\n\r\nno parts\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(Samples.text(MessageData.bodyStructure(StructureParser.parse(content).body(), false)))
                .isEqualTo("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0) \"MIXED\")");
    }

    static Stream<Arguments> envelopes() {
        return Stream.of(
                // RFC 3501 §7.4.2's example, with the Cc folded as RFC 5322 allows.
                Arguments.of("simple.eml", "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\""
                        + " ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\"))"
                        + " ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\"))"
                        + " ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL"
                        + " \"<B27397-0100000@cac.washington.edu>\")"),
                Arguments.of("groups.eml", "(\"1 Mar 2025 09:00 +0000\" \"groups\" ((\"Doe, John\" NIL \"john\" \"example.com\"))"
                        + " ((NIL NIL \"secretary\" \"example.com\")) ((NIL NIL \"replies\" \"example.com\"))"
                        + " ((NIL NIL \"undisclosed-recipients\" NIL) (NIL NIL NIL NIL))"
                        + " ((NIL NIL \"Team\" NIL) (NIL NIL \"anna\" \"example.com\") (\"Ben B.\" NIL \"ben\" \"example.com\")"
                        + " (NIL NIL NIL NIL) (NIL NIL \"carl\" \"example.com\")) ((NIL NIL \"dora\" \"example.com\")) NIL"
                        + " \"<groups-1@example.com>\")"),
                Arguments.of("encoded-words.eml", "(\"Thu, 6 Feb 2025 18:30:00 +0100\""
                        + " \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?= und =?ISO-8859-1?Q?Bonn?=\""
                        + " ((\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\" NIL \"joerg\" \"example.de\"))"
                        + " ((\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\" NIL \"joerg\" \"example.de\"))"
                        + " ((\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\" NIL \"joerg\" \"example.de\"))"
                        + " ((\"=?UTF-8?B?QW5uYSDDlnN0ZXI=?=\" NIL \"anna\" \"example.de\")) NIL NIL NIL \"<enc-1@example.de>\")"),
                Arguments.of("missing-headers.eml", "(NIL \"no addresses at all\" NIL NIL NIL NIL NIL NIL NIL NIL)"),
                Arguments.of("eightbit-headers.eml", "(\"Fri, 7 Feb 2025 07:00:00 +0900\" \"Grüße, 日本\""
                        + " ((\"Zoë Ünicode\" NIL \"zoe\" \"example.org\")) ((\"Zoë Ünicode\" NIL \"zoe\" \"example.org\"))"
                        + " ((\"Zoë Ünicode\" NIL \"zoe\" \"example.org\")) ((\"山田太郎\" NIL \"taro\" \"example.jp\"))"
                        + " NIL NIL NIL \"<8bit-1@example.org>\")"));
    }

    @ParameterizedTest
    @MethodSource("envelopes")
    void envelopeIsWrittenAsTheRfcDoes(String sample, String expected) {
        assertThat(Samples.text(MessageData.envelope(Samples.structure(sample).envelope()))).isEqualTo(expected);
    }

    @Test
    void eightBitEnvelopeGoesAsLiteralsInAsciiMode() {
        Value envelope = MessageData.envelope(Samples.structure("eightbit-headers.eml").envelope());
        String line = ResponseEncoder.encodeToString(new Response.Data(List.of(envelope)), TextMode.ASCII);
        assertThat(line).contains("{15}\r\nGrüße, 日本 ((");
    }

    // RFC 9051 §6.4.5; \r\n in the expected octets stands for CRLF, "" for empty octets.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        nested-rfc822.eml | 1                           | See the forwarded message.
        nested-rfc822.eml | 1.MIME                      | Content-Type: text/plain\\r\\n\\r\\n
        nested-rfc822.eml | 2.MIME                      | Content-Type: message/rfc822\\r\\nContent-Disposition: inline\\r\\n\\r\\n
        nested-rfc822.eml | 2.1                         | Shall we have lunch?
        nested-rfc822.eml | 2.2                         | <p>Shall we have lunch?</p>
        nested-rfc822.eml | 2.2.MIME                    | Content-Type: text/html; charset=utf-8\\r\\n\\r\\n
        nested-rfc822.eml | 2.HEADER.FIELDS (subject IN-REPLY-TO) | Subject: Lunch\\r\\nIn-Reply-To: <prev@example.net>\\r\\n\\r\\n
        nested-rfc822.eml | 2.TEXT                      | --inner\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n\\r\\nShall we have lunch?\\r\\n--inner\\r\\nContent-Type: text/html; charset=utf-8\\r\\n\\r\\n<p>Shall we have lunch?</p>\\r\\n--inner--\\r\\n
        nested-rfc822.eml | HEADER.FIELDS (TO from)     | From: Erin <erin@example.org>\\r\\nTo: frank@example.org\\r\\n\\r\\n
        nested-rfc822.eml | 3                           | ''
        nested-rfc822.eml | 1.1                         | ''
        nested-rfc822.eml | 2.3                         | ''
        nested-rfc822.eml | 1.HEADER                    | ''
        nested-rfc822.eml | 0                           | ''
        simple.eml        | 1                           | Hello Joe, do you think we can meet at 3:30 tomorrow?\\r\\nThe minutes are below.\\r\\n
        simple.eml        | TEXT                        | Hello Joe, do you think we can meet at 3:30 tomorrow?\\r\\nThe minutes are below.\\r\\n
        simple.eml        | 2                           | ''
        simple.eml        | 1.1                         | ''
        simple.eml        | HEADER.FIELDS (cc X-None)   | Cc: minutes@CNRI.Reston.VA.US,\\r\\n John Klensin <KLENSIN@MIT.EDU>\\r\\n\\r\\n
        simple.eml        | HEADER.FIELDS.NOT (Date From Subject To Cc Message-Id) | MIME-Version: 1.0\\r\\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\\r\\n\\r\\n
        groups.eml        | HEADER.FIELDS (X-Absent)    | \\r\\n
        no-separator.eml  | HEADER                      | From: someone@example.org\\r\\nSubject: header only, no blank line, no body
        no-separator.eml  | TEXT                        | ''
        """)
    void sectionOctets(String sample, String section, String expected) {
        byte[] octets = MessageData.section(Samples.content(sample), Samples.structure(sample), section(section));
        assertThat(new String(octets, StandardCharsets.UTF_8)).isEqualTo(expected.replace("\\r\\n", "\r\n"));
    }

    @Test
    void wholeHeaderAndMessage() {
        byte[] content = Samples.content("simple.eml");
        MessageStructure s = Samples.structure("simple.eml");
        assertThat(MessageData.section(content, s, FetchItem.Section.WHOLE)).isEqualTo(content);
        String header = new String(MessageData.section(content, s, section("HEADER")), StandardCharsets.US_ASCII);
        String mime = new String(MessageData.section(content, s, section("1.MIME")), StandardCharsets.US_ASCII);
        assertThat(header).startsWith("Date: ").endsWith("CHARSET=US-ASCII\r\n\r\n").isEqualTo(mime);
    }

    @Test
    void binaryUndoesTheTransferEncoding() {
        byte[] content = Samples.content("mixed-attachment.eml");
        MessageStructure s = Samples.structure("mixed-attachment.eml");
        String base64 = new String(MessageData.section(content, s, section("2")), StandardCharsets.US_ASCII);
        byte[] pdf = Base64.getMimeDecoder().decode(base64);
        assertThat(new String(pdf, StandardCharsets.US_ASCII)).startsWith("%PDF-1.4");
        assertThat(MessageData.binary(content, s, List.of(2))).hasValueSatisfying(b -> assertThat(b).isEqualTo(pdf));
        assertThat(MessageData.binary(content, s, List.of(1)))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(MessageData.section(content, s, section("1"))));
        assertThat(MessageData.binary(content, s, List.of(9))).hasValueSatisfying(b -> assertThat(b).isEmpty());

        byte[] alternative = Samples.content("alternative.eml");
        assertThat(MessageData.binary(alternative, Samples.structure("alternative.eml"), List.of(1)))
                .hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("Shall we have lunch at the café?"));
    }

    @Test
    void binaryOfAnUnknownEncodingIsEmpty() {
        byte[] content = "Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(MessageData.binary(content, StructureParser.parse(content), List.of(1))).isEmpty();
    }

    /** "2.HEADER.FIELDS (A B)" as the parser would give it. */
    static FetchItem.Section section(String text) {
        String spec = text;
        List<String> fields = List.of();
        int paren = text.indexOf(" (");
        if (paren >= 0) {
            spec = text.substring(0, paren);
            fields = List.of(text.substring(paren + 2, text.length() - 1).split(" "));
        }
        List<Integer> part = new ArrayList<>();
        String[] pieces = spec.split("\\.");
        int i = 0;
        while (i < pieces.length && pieces[i].chars().allMatch(Character::isDigit)) part.add(Integer.parseInt(pieces[i++]));
        String rest = String.join(".", List.of(pieces).subList(i, pieces.length));
        FetchItem.SectionText what = switch (rest) {
            case "" -> FetchItem.SectionText.ALL;
            case "HEADER" -> FetchItem.SectionText.HEADER;
            case "HEADER.FIELDS" -> FetchItem.SectionText.HEADER_FIELDS;
            case "HEADER.FIELDS.NOT" -> FetchItem.SectionText.HEADER_FIELDS_NOT;
            case "TEXT" -> FetchItem.SectionText.TEXT;
            case "MIME" -> FetchItem.SectionText.MIME;
            default -> throw new IllegalArgumentException(text);
        };
        return new FetchItem.Section(part, what, fields);
    }
}
