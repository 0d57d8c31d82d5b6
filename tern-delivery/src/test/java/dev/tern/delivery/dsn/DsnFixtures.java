package dev.tern.delivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/** Values the DSN tests share, and the checks every composed DSN must pass. */
final class DsnFixtures {
    static final Domain HOST = Domain.parse("mx.tern.test");
    static final QueueId QUEUE_ID = new QueueId("Q1a2b3c");
    static final Mailbox SENDER = Mailbox.of("alice", "sender.example");
    static final Instant ARRIVAL = Instant.parse("2025-06-01T10:00:00Z");
    static final Instant NOW = Instant.parse("2025-06-03T10:00:00Z");
    static final Instant LAST_ATTEMPT = Instant.parse("2025-06-03T09:59:00Z");
    static final Instant RETRY_UNTIL = Instant.parse("2025-06-06T10:00:00Z");
    static final String ORIGINAL = """
            From: Alice <alice@sender.example>\r
            To: bob@remote.example\r
            Subject: Hello\r
            Message-ID: <m1@sender.example>\r
            \r
            Body line one\r
            Body line two\r
            """;

    private DsnFixtures() {}

    static Recipient recipient(String address) {
        return Recipient.of(Mailbox.of(address.substring(0, address.indexOf('@')), address.substring(address.indexOf('@') + 1)));
    }

    static Recipient recipient(String address, Set<Notify> notify, String orcpt) {
        return new Recipient(recipient(address).mailbox(), notify, orcpt);
    }

    static Envelope envelope(MailOptions options, Recipient... recipients) {
        return new Envelope(ReversePath.of(SENDER), List.of(recipients), options);
    }

    static MailOptions options(MailOptions.Ret ret, String envId) {
        return new MailOptions(0, MailOptions.Body.UNSPECIFIED, false, ret, envId);
    }

    static RecipientReport failed(Recipient recipient) {
        return RecipientReport.failed(recipient, EnhancedStatus.parse("5.1.1"), "mx.remote.example",
                DiagnosticCode.smtp("550 5.1.1 <bob@remote.example>: Recipient address rejected: User unknown"),
                LAST_ATTEMPT);
    }

    static RecipientReport delayed(Recipient recipient) {
        return RecipientReport.delayed(recipient, EnhancedStatus.parse("4.4.1"), "mx.remote.example",
                DiagnosticCode.smtp("451 4.4.1 Try again later"), LAST_ATTEMPT, RETRY_UNTIL);
    }

    static Dsn dsn(Envelope envelope, RecipientReport... reports) {
        return new Dsn(QUEUE_ID, envelope, ARRIVAL, NOW, List.of(reports));
    }

    static DsnMessage compose(Dsn dsn, String original) throws IOException {
        return compose(DsnSettings.defaults(), dsn, original.getBytes(StandardCharsets.UTF_8));
    }

    static DsnMessage compose(DsnSettings settings, Dsn dsn, byte[] original) throws IOException {
        DsnMessage message = new DsnComposer(HOST, settings).compose(dsn, OriginalMessage.of(original));
        assertWellFormed(message.content());
        assertThat(message.envelope().options().declaredSize()).isEqualTo(message.content().length);
        return message;
    }

    /** RFC 5322 §2.1.1, §2.3: CRLF lines only, none over 998 octets. */
    static void assertWellFormed(byte[] content) {
        int lineStart = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\r') {
                assertThat(i + 1 < content.length && content[i + 1] == '\n').as("bare CR at %d", i).isTrue();
            } else if (content[i] == '\n') {
                assertThat(i > 0 && content[i - 1] == '\r').as("bare LF at %d", i).isTrue();
                assertThat(i - 1 - lineStart).as("line at %d", lineStart).isLessThanOrEqualTo(998);
                lineStart = i + 1;
            }
        }
        assertThat(lineStart).as("ends with CRLF").isEqualTo(content.length);
    }

    /** Parses with Angus Mail, UTF-8 header fields allowed (RFC 6532). */
    static MimeMessage parse(byte[] content) throws MessagingException {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", "true");
        return new MimeMessage(Session.getInstance(properties), new ByteArrayInputStream(content));
    }

    /** A message/delivery-status body as its groups of fields: the per-message one, then one per recipient. */
    static List<InternetHeaders> statusGroups(BodyPart part) throws MessagingException, IOException {
        byte[] body;
        try (InputStream in = part.getInputStream()) {
            body = in.readAllBytes();
        }
        // RFC 3464 §2.1: groups of fields separated by empty lines; each group parsed as a header section.
        List<InternetHeaders> groups = new ArrayList<>();
        for (String group : new String(body, StandardCharsets.UTF_8).split("\r\n(\r\n)+")) {
            if (group.isBlank()) continue;
            byte[] bytes = (group + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            groups.add(new InternetHeaders(new ByteArrayInputStream(bytes), true));
        }
        return groups;
    }

    static String field(InternetHeaders group, String name) {
        String value = group.getHeader(name, null);
        return value == null ? null : value.replaceAll("\r\n[ \t]", " ").replaceAll("\r\n", "");
    }

    static String text(BodyPart part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
