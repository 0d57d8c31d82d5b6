package dev.tern.app.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.app.web.HttpError;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row is a JSON submission; what {@link MessageComposer} writes is read back by two independent parsers,
 * Angus Mail (lenient where a message is broken) and mime4j (strict about the multipart boundary), and every field
 * must come back as it went in: the addresses and display names, the subject, the custom headers, the text and the
 * HTML (line breaks as CRLF), each attachment's name, type and octets. The octets obey RFC 5322 §2.1.1 and RFC
 * 2045 §2.7: CRLF only, no line over 998 octets, 7-bit only (nothing here needs SMTPUTF8), no NUL, and no Bcc:.
 */
class MessageComposerRoundTripTest {
    private static final Session SESSION = Session.getInstance(new Properties());

    record Sent(String from, List<String> to, List<String> cc, String subject, String text, String html,
                List<MessageRoutes.Attachment> attachments, Map<String, String> headers) {
        MessageRoutes.Submission submission() {
            return new MessageRoutes.Submission(from, to, cc, List.of("hidden@example.org"), subject, text, html,
                    attachments, headers);
        }
    }

    private static MessageRoutes.Attachment file(String name, String type, byte[] content) {
        return new MessageRoutes.Attachment(name, type, Base64.getMimeEncoder().encodeToString(content));
    }

    private static byte[] octets(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
        return b;
    }

    static Stream<Arguments> rows() {
        String shop = "Shop <shop@example.com>";
        List<String> alice = List.of("alice@example.net");
        Map<String, String> none = Map.of();
        List<MessageRoutes.Attachment> no = List.of();
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("X-Order", "4711");
        custom.put("X-Note", "Grüße aus Köln");
        custom.put("List-Unsubscribe", "<https://shop.example.com/u/1>");
        return Stream.of(
                // RFC 2045 §2.7: short ASCII lines are 7bit; bare LF and bare CR become CRLF.
                Arguments.of("7bit text", new Sent(shop, alice, List.of(), "Hello", "one\ntwo\r\nthree\rfour", null, no, none)),
                // A line of "." and a line "From " are content, not SMTP or mbox syntax: the spool keeps them as they are.
                Arguments.of("dot and From lines", new Sent(shop, alice, List.of(), "dots", ".\n..\nFrom here\n.", null, no, none)),
                // RFC 5322 §2.1.1: a line over 998 octets cannot be 7bit.
                Arguments.of("long ASCII line", new Sent(shop, alice, List.of(), "long", "x".repeat(5000), null, no, none)),
                Arguments.of("long line of words", new Sent(shop, alice, List.of(), "long", "word ".repeat(400) + "\nend", null, no, none)),
                // 8-bit content is never 7bit: quoted-printable when mostly ASCII, base64 when mostly not.
                Arguments.of("some non-ASCII", new Sent(shop, alice, List.of(), "Grüße", "Grüße, and then ASCII.\n".repeat(10), null, no, none)),
                Arguments.of("mostly non-ASCII", new Sent(shop, alice, List.of(), "Привет", "Привет, мир!\n".repeat(50), null, no, none)),
                Arguments.of("NUL in text", new Sent(shop, alice, List.of(), "nul", "a\0b", null, no, none)),
                // RFC 2047: encoded words of at most 75 characters, no UTF-8 sequence or surrogate pair cut.
                Arguments.of("long non-ASCII subject", new Sent(shop, alice, List.of(),
                        "Grüße aus Köln — ein sehr langer Betreff, der gefaltet werden muss 🙂🙂🙂 " + "日本語".repeat(30),
                        "x", null, no, none)),
                Arguments.of("emoji subject", new Sent(shop, alice, List.of(), "🙂".repeat(60), "x", null, no, none)),
                Arguments.of("display names", new Sent("Shöp Ünicode <shop@example.com>",
                        List.of("\"Bob, the builder\" <bob@example.net>", "Zoë <zoe@example.net>"),
                        List.of("carol-with-a-long-address-to-fold@subdomain.example.net", "dave@example.net"),
                        "names", "x", null, no, none)),
                Arguments.of("custom headers", new Sent(shop, alice, List.of(), "h", "x", null, no, custom)),
                // RFC 5322 §2.1.1: a header line is at most 998 octets, however long a word or a name is.
                Arguments.of("subject of one long word", new Sent(shop, alice, List.of(), "x".repeat(1500), "x", null, no, none)),
                Arguments.of("subject with a long run of spaces", new Sent(shop, alice, List.of(),
                        "a" + " ".repeat(1200) + "b", "x", null, no, none)),
                Arguments.of("header of one long word", new Sent(shop, alice, List.of(), "h", "x", null, no,
                        Map.of("X-Token", "t".repeat(2000)))),
                Arguments.of("long display names", new Sent("\"" + "Long Name ".repeat(120).trim() + "\" <shop@example.com>",
                        List.of("\"" + "Ä".repeat(400) + "\" <bob@example.net>", "\"" + "n".repeat(71) + "\" <n@example.net>",
                                "\"" + "日本".repeat(200) + "\" <carol@example.net>"),
                        List.of("\"" + "Zoë ".repeat(30).trim() + "\" <zoe@example.net>"), "names", "x", null, no, none)),
                Arguments.of("first display name as long as a line", new Sent("\"" + "m".repeat(35) + " " + "m".repeat(36) + "\" <shop@example.com>",
                        List.of("\"" + "m".repeat(35) + " " + "m".repeat(36) + "\" <m@example.net>"), List.of(), "names", "x", null, no, none)),
                // RFC 2046 §5.1: multipart/alternative, and multipart/mixed with attachments, RFC 2231 file names.
                Arguments.of("text and html", new Sent(shop, alice, List.of(), "alt", "Thanks!", "<p>Thanks!</p>\n", no, none)),
                Arguments.of("html alone", new Sent(shop, alice, List.of(), "html", null, "<b>" + "é".repeat(2000) + "</b>", no, none)),
                Arguments.of("attachments", new Sent(shop, alice, List.of(), "mixed", "see attached", "<p>see</p>",
                        List.of(file("Rechnung März.pdf", "application/pdf", octets(3000)),
                                file("notes.txt", null, "hi".getBytes(StandardCharsets.US_ASCII)),
                                file("empty.bin", "application/octet-stream", new byte[0]),
                                file("a \"quoted\" name.txt", "text/plain; charset=us-ascii", "q".getBytes(StandardCharsets.US_ASCII)),
                                file("n".repeat(251) + ".txt", null, octets(10)),
                                file("é".repeat(125) + ".pdf", "application/pdf", octets(10))),
                        none)),
                Arguments.of("attachment without text", new Sent(shop, alice, List.of(), "only", null, null,
                        List.of(file("data.bin", null, octets(100))), none)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void angusMailReadsBackWhatWasSent(String name, Sent sent) throws Exception {
        byte[] bytes = compose(sent);
        assertWellFormed(bytes);
        MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getSubject()).isEqualTo(sent.subject());
        InternetAddress from = new InternetAddress(sent.from());
        assertThat(m.getFrom()).containsExactly(from);
        assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo(from.getPersonal());
        assertAngusAddresses(m.getRecipients(RecipientType.TO), sent.to());
        assertAngusAddresses(m.getRecipients(RecipientType.CC), sent.cc());
        for (var h : sent.headers().entrySet()) {
            assertThat(MimeUtility.decodeText(MimeUtility.unfold(m.getHeader(h.getKey(), null)))).isEqualTo(h.getValue());
        }
        List<Part> leaves = new ArrayList<>();
        angusLeaves(m, leaves);
        assertLeaves(sent, leaves.size());
        int i = 0;
        if (sent.text() != null) assertThat(leaves.get(i++).getContent()).isEqualTo(crlf(sent.text()));
        if (sent.html() != null) {
            Part html = leaves.get(i++);
            assertThat(html.isMimeType("text/html")).isTrue();
            assertThat(html.getContent()).isEqualTo(crlf(sent.html()));
        } else if (sent.text() == null) {
            assertThat(leaves.get(i++).getContent()).isEqualTo("");
        }
        for (MessageRoutes.Attachment a : sent.attachments()) {
            Part p = leaves.get(i++);
            assertThat(p.getDisposition()).isEqualTo("attachment");
            assertThat(MimeUtility.decodeText(p.getFileName())).isEqualTo(a.filename());
            assertThat(p.getContentType()).startsWith(baseType(a));
            assertThat(p.getInputStream().readAllBytes()).isEqualTo(Base64.getMimeDecoder().decode(a.content()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void mime4jReadsBackWhatWasSent(String name, Sent sent) throws Exception {
        byte[] bytes = compose(sent);
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.STRICT);
        builder.setDecodeMonitor(DecodeMonitor.STRICT);
        org.apache.james.mime4j.dom.Message m = builder.parseMessage(new ByteArrayInputStream(bytes));
        assertThat(m.getHeader().getField("Bcc")).isNull();
        assertThat(m.getSubject()).isEqualTo(sent.subject());
        InternetAddress from = new InternetAddress(sent.from());
        assertThat(m.getFrom()).hasSize(1);
        assertThat(m.getFrom().get(0).getAddress()).isEqualTo(from.getAddress());
        assertThat(m.getFrom().get(0).getName()).isEqualTo(from.getPersonal());
        assertMime4jAddresses(m.getTo() == null ? List.of() : m.getTo().flatten(), sent.to());
        assertMime4jAddresses(m.getCc() == null ? List.of() : m.getCc().flatten(), sent.cc());
        for (var h : sent.headers().entrySet()) {
            String body = m.getHeader().getField(h.getKey()).getBody();
            assertThat(DecoderUtil.decodeEncodedWords(body, DecodeMonitor.SILENT)).isEqualTo(h.getValue());
        }
        List<Entity> leaves = new ArrayList<>();
        mime4jLeaves(m, leaves);
        assertLeaves(sent, leaves.size());
        int i = 0;
        if (sent.text() != null) assertThat(text(leaves.get(i++))).isEqualTo(crlf(sent.text()));
        if (sent.html() != null) {
            Entity html = leaves.get(i++);
            assertThat(html.getMimeType()).isEqualTo("text/html");
            assertThat(text(html)).isEqualTo(crlf(sent.html()));
        } else if (sent.text() == null) {
            assertThat(text(leaves.get(i++))).isEqualTo("");
        }
        for (MessageRoutes.Attachment a : sent.attachments()) {
            Entity p = leaves.get(i++);
            assertThat(p.getDispositionType()).isEqualTo("attachment");
            assertThat(p.getFilename()).isEqualTo(a.filename());
            assertThat(p.getMimeType()).isEqualTo(baseType(a));
            assertThat(((SingleBody) p.getBody()).getInputStream().readAllBytes())
                    .isEqualTo(Base64.getMimeDecoder().decode(a.content()));
        }
    }

    /** What would break the message's syntax, or set a field made here or by the content stage, is a 400 naming the field. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # A quoted parameter value that Angus Mail's parser keeps a bare LF or NUL or 8-bit octet in.
            contentType LF in a quoted value    | attachments[0].contentType
            contentType NUL in a quoted value   | attachments[0].contentType
            contentType 8-bit in a quoted value | attachments[0].contentType
            # RFC 2045 §6.4, RFC 2046 §5.2.1: composite types are never base64.
            contentType multipart               | attachments[0].contentType
            contentType message/rfc822          | attachments[0].contentType
            # Fields the composer or the content stage writes (docs/http-api.md: Content-* among them).
            header DKIM-Signature               | headers
            header Content-Disposition          | headers
            header Content-ID                   | headers
            header Received                     | headers
            header Bcc                          | headers
            # 255 octets keep an RFC 2231 encoded file name within 998 octets.
            filename of 256 octets              | attachments[0].filename
            """)
    void brokenOrReservedFieldsAreRefused(String row, String field) {
        Map<String, Sent> rows = new LinkedHashMap<>();
        rows.put("contentType LF in a quoted value", attaching("f.txt", "text/plain; x=\"a\nBcc: eve@example.org\""));
        rows.put("contentType NUL in a quoted value", attaching("f.txt", "text/plain; x=\"a\0b\""));
        rows.put("contentType 8-bit in a quoted value", attaching("f.txt", "text/plain; x=\"Grüße\""));
        rows.put("contentType multipart", attaching("f", "multipart/mixed; boundary=x"));
        rows.put("contentType message/rfc822", attaching("f.eml", "message/rfc822"));
        rows.put("header DKIM-Signature", heading("DKIM-Signature", "v=1; a=rsa-sha256; d=example.com; s=x; b=; bh="));
        rows.put("header Content-Disposition", heading("Content-Disposition", "attachment"));
        rows.put("header Content-ID", heading("content-id", "<x@example.com>"));
        rows.put("header Received", heading("RECEIVED", "from x by y; Wed, 2 Dec 2026 15:00:00 +0000"));
        rows.put("header Bcc", heading("bcc", "eve@example.org"));
        rows.put("filename of 256 octets", attaching("é".repeat(126) + ".txt", null));
        Sent sent = rows.get(row);
        assertThat(sent).as(row).isNotNull();
        assertThatThrownBy(() -> compose(sent))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.field()).hasValue(field));
    }

    private static Sent attaching(String filename, String contentType) {
        return new Sent("shop@example.com", List.of("alice@example.net"), List.of(), "s", "x", null,
                List.of(new MessageRoutes.Attachment(filename, contentType, "aGk=")), Map.of());
    }

    private static Sent heading(String name, String value) {
        return new Sent("shop@example.com", List.of("alice@example.net"), List.of(), "s", "x", null, List.of(),
                Map.of(name, value));
    }

    private static byte[] compose(Sent sent) throws Exception {
        List<InternetAddress> to = new ArrayList<>();
        for (String t : sent.to()) to.add(new InternetAddress(t, true));
        List<InternetAddress> cc = new ArrayList<>();
        for (String c : sent.cc()) cc.add(new InternetAddress(c, true));
        return MessageComposer.compose(sent.submission(), new InternetAddress(sent.from(), true), to, cc);
    }

    /** One text part, or one per text and HTML, then one per attachment (the body is empty text when none is given). */
    private static void assertLeaves(Sent sent, int count) {
        int texts = (sent.text() != null ? 1 : 0) + (sent.html() != null ? 1 : 0);
        assertThat(count).isEqualTo(Math.max(texts, 1) + sent.attachments().size());
    }

    private static String baseType(MessageRoutes.Attachment a) {
        return a.contentType() == null ? "application/octet-stream" : a.contentType().split(";")[0].trim();
    }

    /** The text as sent: CRLF line ends, the last line ended too. */
    private static String crlf(String text) {
        String lines = text.replaceAll("\r\n|\r|\n", "\r\n");
        return lines.isEmpty() || lines.endsWith("\r\n") ? lines : lines + "\r\n";
    }

    private static void assertAngusAddresses(jakarta.mail.Address[] got, List<String> sent) throws Exception {
        List<InternetAddress> expected = new ArrayList<>();
        for (String s : sent) expected.add(new InternetAddress(s));
        if (expected.isEmpty()) {
            assertThat(got).isNull();
            return;
        }
        assertThat(got).containsExactlyElementsOf(expected);
        for (int i = 0; i < got.length; i++) {
            assertThat(((InternetAddress) got[i]).getPersonal()).isEqualTo(expected.get(i).getPersonal());
        }
    }

    private static void assertMime4jAddresses(List<Mailbox> got, List<String> sent) throws Exception {
        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < got.size(); i++) {
            InternetAddress expected = new InternetAddress(sent.get(i));
            assertThat(got.get(i).getAddress()).isEqualTo(expected.getAddress());
            assertThat(got.get(i).getName()).isEqualTo(expected.getPersonal());
        }
    }

    private static void angusLeaves(Part part, List<Part> leaves) throws Exception {
        if (part.isMimeType("multipart/*")) {
            MimeMultipart multipart = (MimeMultipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) angusLeaves(multipart.getBodyPart(i), leaves);
        } else {
            leaves.add(part);
        }
    }

    private static void mime4jLeaves(Entity entity, List<Entity> leaves) {
        if (entity.getBody() instanceof Multipart multipart) {
            for (Entity e : multipart.getBodyParts()) mime4jLeaves(e, leaves);
        } else {
            leaves.add(entity);
        }
    }

    private static String text(Entity entity) throws Exception {
        assertThat(entity.getCharset()).isEqualToIgnoringCase("UTF-8");
        return new String(((SingleBody) entity.getBody()).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** CRLF only, lines of at most 998 octets, header lines of at most 78 characters, 7-bit, no NUL. */
    static void assertWellFormed(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            assertThat(bytes[i]).as("octet %d", i).isBetween((byte) 1, (byte) 0x7f);
            if (bytes[i] == '\n') assertThat(i > 0 && bytes[i - 1] == '\r').as("bare LF at %d", i).isTrue();
            if (bytes[i] == '\r') assertThat(i + 1 < bytes.length && bytes[i + 1] == '\n').as("bare CR at %d", i).isTrue();
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        boolean header = true;
        for (String line : text.split("\r\n", -1)) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(998);
            if (line.isEmpty()) header = false;
            if (header) assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
    }
}
