package dev.tern.delivery.tlsrpt;

import static dev.tern.delivery.tlsrpt.Attempts.failed;
import static dev.tern.delivery.tlsrpt.Attempts.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.mail.Mailbox;
import dev.tern.testbase.MutableClock;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report mail (RFC 8460 §5.3) as Angus Mail reads it: headers, multipart/report, the gzip part. */
class TlsReportMailTest {
    private static final Instant MORNING = Instant.parse("2025-01-01T08:00:00Z");

    @Test
    void angusMailReadsTheReportMessage(@TempDir Path dir) throws Exception {
        TlsReport report;
        try (TlsReportStore store = TlsReportStore.open(Attempts.settings(dir), new MutableClock())) {
            store.record(ok(MORNING, "a.test"));
            store.record(failed(MORNING, "a.test", FailureType.STARTTLS_NOT_SUPPORTED, "192.0.2.1", ""));
            report = store.report(LocalDate.parse("2025-01-01"), "a.test").orElseThrow();
        }
        byte[] bytes = TlsReportMail.compose(report, Attempts.SUBMITTER, Mailbox.of("noreply-tlsrpt", "mx.tern.test"),
                Mailbox.of("tls-reports", "a.test"), Instant.parse("2025-01-02T01:00:00Z"));
        String text = new String(bytes, StandardCharsets.US_ASCII);
        assertThat(text.replace("\r\n", "")).doesNotContain("\n", "\r");
        assertThat(text.lines()).allMatch(line -> line.length() <= 998);

        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
        assertThat(message.getHeader("From", ",")).isEqualTo("noreply-tlsrpt@mx.tern.test");
        assertThat(message.getHeader("To", ",")).isEqualTo("tls-reports@a.test");
        assertThat(message.getSubject()).isEqualTo(
                "Report Domain: a.test Submitter: mx.tern.test Report-ID: <2025-01-01.a.test@mx.tern.test>");
        assertThat(message.getHeader("TLS-Report-Domain", ",")).isEqualTo("a.test");
        assertThat(message.getHeader("TLS-Report-Submitter", ",")).isEqualTo("mx.tern.test");
        assertThat(message.getHeader("MIME-Version", ",")).isEqualTo("1.0");
        assertThat(message.getSentDate().toInstant()).isEqualTo(Instant.parse("2025-01-02T01:00:00Z"));
        assertThat(message.getMessageID()).isEqualTo("<2025-01-01.a.test@mx.tern.test>");

        ContentType type = new ContentType(message.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");
        MimeMultipart multipart = (MimeMultipart) message.getContent();
        assertThat(multipart.getCount()).isEqualTo(2);
        assertThat(new ContentType(multipart.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
        assertThat((String) multipart.getBodyPart(0).getContent()).contains("a.test", "2025-01-01");

        Part gzipPart = multipart.getBodyPart(1);
        assertThat(new ContentType(gzipPart.getContentType()).getBaseType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(gzipPart.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
        assertThat(gzipPart.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(gzipPart.getFileName()).isEqualTo(report.fileName(Attempts.SUBMITTER))
                .startsWith("mx.tern.test!a.test!1735689600!1735775999!").endsWith(".json.gz");
        try (InputStream in = new GZIPInputStream(gzipPart.getInputStream())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(report.json());
        }
    }
}
