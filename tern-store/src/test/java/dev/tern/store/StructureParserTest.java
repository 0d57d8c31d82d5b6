package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StructureParserTest {
    private static final Path SAMPLES = Path.of("src/test/resources/mime");

    private static byte[] sample(String name) throws IOException {
        return Files.readAllBytes(SAMPLES.resolve(name));
    }

    private static String text(byte[] content, long from, long to) {
        return new String(content, (int) from, (int) (to - from), StandardCharsets.UTF_8);
    }

    /** Every part in depth-first order, enclosed messages included, as "type/subtype:size:lines". */
    private static void flatten(MessageStructure.Part part, List<MessageStructure.Part> out) {
        out.add(part);
        for (MessageStructure.Part child : part.parts()) flatten(child, out);
        part.message().ifPresent(m -> flatten(m.body(), out));
    }

    // The part tree of each sample, depth first (enclosed messages after their message/rfc822 part): RFC 2046
    // §5.1.1 puts the CRLF before a delimiter into the delimiter, so a part's body ends before it.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        simple.eml           | text/plain:79:2
        alternative.eml      | multipart/alternative:0:0 text/plain:37:1 text/html:51:1
        mixed-attachment.eml | multipart/mixed:0:0 text/plain:47:1 application/pdf:402:0
        nested-rfc822.eml    | multipart/mixed:0:0 text/plain:26:1 message/rfc822:419:18 multipart/alternative:0:0 text/plain:20:1 text/html:27:1
        groups.eml           | text/plain:7:1
        missing-headers.eml  | text/plain:12:1
        malformed.eml        | multipart/mixed:0:0 text/plain:10:1 multipart/alternative:0:0 text/plain:18:1 text/plain:31:1
        no-separator.eml     | text/plain:0:0
        eightbit-headers.eml | text/plain:30:1
        """)
    void partsOfSamples(String name, String expected) throws IOException {
        MessageStructure structure = StructureParser.parse(new ByteArrayInputStream(sample(name)));
        List<MessageStructure.Part> parts = new ArrayList<>();
        flatten(structure.body(), parts);
        List<String> shown = parts.stream()
                .map(p -> p.type() + "/" + p.subtype() + ":" + (p.isMultipart() ? 0 : p.size()) + ":" + p.lines()).toList();
        assertThat(String.join(" ", shown)).isEqualTo(expected);
    }

    @Test
    void offsetsPointAtHeadersAndBodies() throws IOException {
        byte[] content = sample("nested-rfc822.eml");
        MessageStructure.Part top = StructureParser.parse(content).body();
        assertThat(top.headerStart()).isZero();
        assertThat(text(content, top.bodyStart() - 4, top.bodyStart())).isEqualTo("\r\n\r\n");
        assertThat(top.end()).isEqualTo(content.length);
        MessageStructure.Part first = top.parts().get(0);
        assertThat(text(content, first.headerStart(), first.end()))
                .isEqualTo("Content-Type: text/plain\r\n\r\nSee the forwarded message.");
        MessageStructure.Part forwarded = top.parts().get(1);
        assertThat(text(content, forwarded.headerStart(), forwarded.bodyStart()))
                .isEqualTo("Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n");
        MessageStructure.Part enclosed = forwarded.message().orElseThrow().body();
        assertThat(enclosed.headerStart()).isEqualTo(forwarded.bodyStart());
        assertThat(enclosed.end()).isEqualTo(forwarded.end());
        assertThat(text(content, enclosed.bodyStart(), enclosed.end())).startsWith("--inner\r\n").endsWith("--inner--\r\n");
        MessageStructure.Part html = enclosed.parts().get(1);
        assertThat(text(content, html.bodyStart(), html.end())).isEqualTo("<p>Shall we have lunch?</p>");
    }

    @Test
    void mimeFieldsAreKept() throws IOException {
        MessageStructure.Part top = StructureParser.parse(sample("mixed-attachment.eml")).body();
        assertThat(top.parameters()).containsExactly(java.util.Map.entry("boundary", "----=_Part_0_1"),
                java.util.Map.entry("charset", "ignored"));
        MessageStructure.Part text = top.parts().get(0);
        assertThat(text.language()).containsExactly("en", "de");
        MessageStructure.Part pdf = top.parts().get(1);
        assertThat(pdf.encoding()).isEqualTo("BASE64");
        assertThat(pdf.id()).isEqualTo("<report@example.com>");
        assertThat(pdf.description()).isEqualTo("Quarterly report");
        assertThat(pdf.md5()).isEqualTo("Q2hlY2sgSW50ZWdyaXR5IQ==");
        assertThat(pdf.disposition()).isEqualTo("attachment");
        assertThat(pdf.dispositionParameters()).containsEntry("filename", "report.pdf").containsEntry("size", "300");
        assertThat(pdf.location()).isEqualTo("http://example.com/report.pdf");
    }

    @Test
    void envelopeKeepsRawValuesAndGroups() throws IOException {
        MessageStructure.Envelope e = StructureParser.parse(sample("groups.eml")).envelope();
        assertThat(e.from()).containsExactly(new MessageStructure.Address("Doe, John", null, "john", "example.com"));
        assertThat(e.to()).containsExactly(new MessageStructure.Address(null, null, "undisclosed-recipients", null),
                new MessageStructure.Address(null, null, null, null));
        assertThat(e.cc()).hasSize(5);
        assertThat(e.inReplyTo()).isNull();
        MessageStructure.Envelope encoded = StructureParser.parse(sample("encoded-words.eml")).envelope();
        assertThat(encoded.subject()).isEqualTo("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?= und =?ISO-8859-1?Q?Bonn?=");
        assertThat(encoded.from().get(0).name()).isEqualTo("=?ISO-8859-1?Q?J=F6rg_M=FCller?=");
        assertThat(encoded.sender()).isEqualTo(encoded.from());
    }

    // Malformed input still gets a structure whose offsets lie within the content (RFC 9051 §7.5.2).
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        empty content                 | ''
        only a blank line             | \\r\\n
        header without colon          | garbage\\r\\n\\r\\nbody
        multipart without boundary    | Content-Type: multipart/mixed\\r\\n\\r\\n--x\\r\\n\\r\\nbody\\r\\n
        boundary never used           | Content-Type: multipart/mixed; boundary=b\\r\\n\\r\\nno parts here\\r\\n
        end boundary missing          | Content-Type: multipart/mixed; boundary=b\\r\\n\\r\\n--b\\r\\nA: 1\\r\\n\\r\\nx\\r\\n--b\\r\\n
        part header reaches boundary  | Content-Type: multipart/mixed; boundary=b\\r\\n\\r\\n--b\\r\\nA: 1\\r\\n--b--\\r\\n
        empty part                    | Content-Type: multipart/mixed; boundary=b\\r\\n\\r\\n--b\\r\\n--b--
        bare LF lines                 | Subject: x\\nContent-Type: multipart/mixed; boundary=b\\n\\n--b\\n\\nx\\n--b--\\n
        encoded message/rfc822        | Content-Type: message/rfc822\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\nU3ViamVjdDogeA0KDQp4\\r\\n
        8-bit garbage                 | Subject: \\u00ff\\u00fe\\u0080\\r\\nContent-Type: text/plain; charset=\\u00e9\\r\\n\\r\\n\\u0000\\u00ff
        """)
    void malformedInputNeverThrows(String what, String escaped) {
        byte[] content = unescape(escaped);
        MessageStructure structure = StructureParser.parse(content);
        List<MessageStructure.Part> parts = new ArrayList<>();
        flatten(structure.body(), parts);
        for (MessageStructure.Part p : parts) assertThat(p.end()).as(what).isLessThanOrEqualTo(content.length);
    }

    @Test
    void deepNestingIsBounded() {
        StringBuilder m = new StringBuilder();
        int levels = 500;
        for (int i = 0; i < levels; i++) m.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i).append("\r\n");
        m.append("\r\ninnermost\r\n");
        for (int i = levels - 1; i >= 0; i--) m.append("--b").append(i).append("--\r\n");
        byte[] content = m.toString().getBytes(StandardCharsets.US_ASCII);
        MessageStructure.Part part = StructureParser.parse(content).body();
        int depth = 0;
        while (!part.parts().isEmpty()) {
            part = part.parts().get(0);
            depth++;
        }
        assertThat(depth).isLessThanOrEqualTo(MimeWalk.MAX_DEPTH);
        assertThat(part.end()).isLessThanOrEqualTo(content.length);
    }

    @Test
    void deeplyNestedMessagesAreBounded() {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 300; i++) m.append("Content-Type: message/rfc822\r\n\r\n");
        m.append("Subject: innermost\r\n\r\nx\r\n");
        MessageStructure structure = StructureParser.parse(m.toString().getBytes(StandardCharsets.US_ASCII));
        int depth = 0;
        while (structure.body().message().isPresent()) {
            structure = structure.body().message().get();
            depth++;
        }
        assertThat(depth).isLessThan(MimeWalk.MAX_DEPTH);
    }

    /** \\r, \\n and \\uXXXX (one octet, for 8-bit garbage) in table rows. */
    private static byte[] unescape(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && s.charAt(i + 1) == 'r') { out.write('\r'); i++; }
            else if (c == '\\' && s.charAt(i + 1) == 'n') { out.write('\n'); i++; }
            else if (c == '\\' && s.charAt(i + 1) == 'u') { out.write(Integer.parseInt(s.substring(i + 2, i + 6), 16)); i += 5; }
            else out.write(c);
        }
        return out.toByteArray();
    }
}
