package dev.tern.delivery.tlsrpt;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * Composes the mail that carries a report to a {@code mailto:} rua (RFC 8460 §5.3): {@code multipart/report;
 * report-type="tlsrpt"} with a short text/plain part and the gzipped JSON as {@code application/tlsrpt+gzip}
 * (base64), plus the {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} header fields. The MIME structure is
 * built with Apache James mime4j, never by hand; the result has CRLF line ends, ready for the spool.
 */
public final class TlsReportMail {
    private TlsReportMail() {}

    /** The message bytes of {@code report} from {@code from} to {@code to}, dated {@code now}. */
    public static byte[] compose(TlsReport report, Domain submitter, Mailbox from, Mailbox to, Instant now) {
        try {
            BasicBodyFactory bodies = BasicBodyFactory.INSTANCE;
            String text = "This is an aggregate TLS report (RFC 8460) from " + submitter.name() + " about mail to "
                    + report.policyDomain() + " on " + report.day() + " (UTC).\r\n";
            var textPart = BodyPartBuilder.create()
                    .setBody(bodies.textBody(text, StandardCharsets.US_ASCII))
                    .setContentType("text/plain", new NameValuePair("charset", "us-ascii"))
                    .setContentTransferEncoding("7bit");
            var reportPart = BodyPartBuilder.create()
                    .setBody(bodies.binaryBody(report.gzip()))
                    .setContentType("application/tlsrpt+gzip")
                    .setContentTransferEncoding("base64")
                    .setContentDisposition("attachment", report.fileName(submitter));
            var multipart = MultipartBuilder.create("report")
                    .addBodyPart(textPart)
                    .addBodyPart(reportPart)
                    .build();
            // RFC 8460 §5.3: Subject "Report Domain: <domain> Submitter: <submitter> Report-ID: <<id>>".
            Message message = Message.Builder.of()
                    .setFrom(address(from))
                    .setTo(address(to))
                    .setSubject("Report Domain: " + report.policyDomain() + " Submitter: " + submitter.name()
                            + " Report-ID: <" + report.reportId() + ">")
                    .setDate(Date.from(now), TimeZone.getTimeZone("UTC"))
                    .setMessageId("<" + report.reportId() + ">")
                    .addField(new RawField("TLS-Report-Domain", report.policyDomain()))
                    .addField(new RawField("TLS-Report-Submitter", submitter.name()))
                    .addField(new RawField("Auto-Submitted", "auto-generated")) // RFC 3834 §5
                    .setBody(multipart)
                    .setContentType("multipart/report", new NameValuePair("report-type", "tlsrpt"),
                            new NameValuePair("boundary", MimeUtil.createUniqueBoundary()))
                    .build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DefaultMessageWriter().writeMessage(message, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("composing into memory failed", e); // no real I/O happens
        }
    }

    private static org.apache.james.mime4j.dom.address.Mailbox address(Mailbox mailbox) {
        return new org.apache.james.mime4j.dom.address.Mailbox(mailbox.localPart(), mailbox.domain().name());
    }

}
