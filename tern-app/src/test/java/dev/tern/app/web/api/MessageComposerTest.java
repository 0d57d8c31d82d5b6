package dev.tern.app.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.app.web.HttpError;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * What {@link MessageComposer} writes, read back by Angus Mail's parser (an independent reading): the fields, the
 * decoded texts and attachments, and the line rules of RFC 5322 (CRLF only, no line over 998 octets, header lines
 * within 78 columns where the words allow).
 */
class MessageComposerTest {
    private static final Session SESSION = Session.getInstance(new Properties());

    private static MessageRoutes.Submission submission(String subject, String text, String html,
                                                       List<MessageRoutes.Attachment> attachments,
                                                       Map<String, String> headers) {
        return new MessageRoutes.Submission("shop@example.com", List.of("alice@example.net"), List.of(), List.of(),
                subject, text, html, attachments, headers);
    }

    private static byte[] compose(MessageRoutes.Submission request, List<InternetAddress> to) throws Exception {
        return MessageComposer.compose(request, new InternetAddress("Shop Ünicode <shop@example.com>"), to, List.of());
    }

    private static MimeMessage parse(byte[] bytes) throws Exception {
        return new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
    }

    /** CRLF only; every line at most 998 octets; header lines at most 78 unless one word is longer. */
    private static void assertWellFormed(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') assertThat(i > 0 && text.charAt(i - 1) == '\r').as("bare LF at " + i).isTrue();
            if (text.charAt(i) == '\r') assertThat(i + 1 < text.length() && text.charAt(i + 1) == '\n').as("bare CR").isTrue();
        }
        String[] lines = text.split("\r\n", -1);
        boolean header = true;
        for (String line : lines) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).as(line).isLessThanOrEqualTo(998);
            if (line.isEmpty()) header = false;
            if (header && !line.contains("boundary=")) assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
    }

    @Test
    void aLongAsciiLineIsQuotedPrintableAndReadsBackExactly() throws Exception {
        String text = "x".repeat(1024);
        byte[] bytes = compose(submission("bench", text, null, List.of(), Map.of()),
                List.of(new InternetAddress("alice@example.net")));
        assertWellFormed(bytes);
        MimeMessage m = parse(bytes);
        assertThat(m.getHeader("Content-Transfer-Encoding", null)).isEqualTo("quoted-printable");
        assertThat(m.getContent()).isEqualTo(text + "\r\n"); // the last line ended too
        assertThat(m.getSubject()).isEqualTo("bench");
        assertThat(m.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Shop Ünicode");
        assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("shop@example.com");
    }

    @Test
    void shortAsciiTextIs7bitWithItsLineBreaksMadeCrlf() throws Exception {
        byte[] bytes = compose(submission(null, "one\ntwo\r\nthree\rfour", null, List.of(), Map.of()),
                List.of(new InternetAddress("alice@example.net")));
        assertWellFormed(bytes);
        MimeMessage m = parse(bytes);
        assertThat(m.getHeader("Content-Transfer-Encoding", null)).isEqualTo("7bit");
        assertThat(m.getContent()).isEqualTo("one\r\ntwo\r\nthree\r\nfour\r\n");
        assertThat(m.getSubject()).isNull();
    }

    @Test
    void nonAsciiTextAndSubjectAreEncodedAndDecodeBack() throws Exception {
        String subject = "Grüße aus Köln — ein sehr langer Betreff, der über mehrere Zeilen gefaltet werden muss 🙂";
        String mostly = "Привет, мир! ".repeat(40);
        String some = "Grüße, and then mostly ASCII text that goes on. ".repeat(5);
        for (String text : List.of(mostly, some)) {
            byte[] bytes = compose(submission(subject, text, null, List.of(), Map.of()),
                    List.of(new InternetAddress("alice@example.net")));
            assertWellFormed(bytes);
            MimeMessage m = parse(bytes);
            assertThat(m.getSubject()).isEqualTo(subject);
            assertThat(m.getContent()).isEqualTo(text + "\r\n");
            assertThat(m.getHeader("Content-Transfer-Encoding", null))
                    .isEqualTo(text == mostly ? "base64" : "quoted-printable");
        }
    }

    @Test
    void textAndHtmlWithAttachmentsAreMixedAndAlternative() throws Exception {
        byte[] pdf = new byte[3000];
        for (int i = 0; i < pdf.length; i++) pdf[i] = (byte) (i * 7);
        var attachments = List.of(new MessageRoutes.Attachment("Rechnung März.pdf", "application/pdf",
                        Base64.getMimeEncoder().encodeToString(pdf)),
                new MessageRoutes.Attachment("notes.txt", null, Base64.getEncoder().encodeToString("hi".getBytes())));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Order", "4711");
        headers.put("X-Note", "Grüße");
        List<InternetAddress> to = List.of(new InternetAddress("alice@example.net"),
                new InternetAddress("\"Bob, the builder\" <bob@example.net>"),
                new InternetAddress("carol-with-a-long-address-to-fold@subdomain.example.net"));
        byte[] bytes = compose(submission("Order", "Thanks!", "<p>Thanks!</p>", attachments, headers), to);
        assertWellFormed(bytes);
        MimeMessage m = parse(bytes);
        assertThat(m.getRecipients(jakarta.mail.Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("alice@example.net", "bob@example.net", "carol-with-a-long-address-to-fold@subdomain.example.net");
        assertThat(((InternetAddress) m.getRecipients(jakarta.mail.Message.RecipientType.TO)[1]).getPersonal())
                .isEqualTo("Bob, the builder");
        assertThat(m.getHeader("X-Order", null)).isEqualTo("4711");
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(m.getHeader("X-Note", null))).isEqualTo("Grüße");
        assertThat(m.getContentType()).startsWith("multipart/mixed");
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        assertThat(mixed.getCount()).isEqualTo(3);
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Thanks!\r\n");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(alternative.getBodyPart(1).getContent()).isEqualTo("<p>Thanks!</p>\r\n");
        MimeBodyPart invoice = (MimeBodyPart) mixed.getBodyPart(1);
        assertThat(invoice.getContentType()).startsWith("application/pdf");
        assertThat(invoice.getDisposition()).isEqualTo("attachment");
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(invoice.getFileName())).isEqualTo("Rechnung März.pdf");
        assertThat(invoice.getInputStream().readAllBytes()).isEqualTo(pdf);
        MimeBodyPart notes = (MimeBodyPart) mixed.getBodyPart(2);
        assertThat(notes.getContentType()).startsWith("application/octet-stream");
        assertThat(notes.getFileName()).isEqualTo("notes.txt");
        assertThat(notes.getInputStream().readAllBytes()).isEqualTo("hi".getBytes());
    }

    @Test
    void htmlAloneIsTextHtml() throws Exception {
        MimeMessage m = parse(compose(submission("h", null, "<b>bold</b>", List.of(), Map.of()),
                List.of(new InternetAddress("alice@example.net"))));
        assertThat(m.getContentType()).startsWith("text/html");
        assertThat(m.getContent()).isEqualTo("<b>bold</b>\r\n");
    }

    @Test
    void aSubjectCannotAddFieldsAndReservedOrBrokenHeadersAreRefused() throws Exception {
        MimeMessage m = parse(compose(submission("hi\r\nBcc: eve@example.org", "x", null, List.of(), Map.of()),
                List.of(new InternetAddress("alice@example.net"))));
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getSubject()).isEqualTo("hi Bcc: eve@example.org");
        for (Map<String, String> headers : List.of(Map.of("Content-Type", "text/html"), Map.of("X-A", "a\r\nBcc: b"),
                Map.of("Bad Name", "x"))) {
            assertThatThrownBy(() -> compose(submission("s", "x", null, List.of(), headers),
                    List.of(new InternetAddress("alice@example.net"))))
                    .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.field()).hasValue("headers"));
        }
        assertThatThrownBy(() -> compose(submission("s", "x", null,
                List.of(new MessageRoutes.Attachment("a\r\nb", "text/plain", "aGk=")), Map.of()),
                List.of(new InternetAddress("alice@example.net"))))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.field()).hasValue("attachments[0].filename"));
        assertThatThrownBy(() -> compose(submission("s", "x", null,
                List.of(new MessageRoutes.Attachment("a", "not a type", "aGk=")), Map.of()),
                List.of(new InternetAddress("alice@example.net"))))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.field()).hasValue("attachments[0].contentType"));
    }
}
