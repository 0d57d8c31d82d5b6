package dev.tern.delivery.dsn;

import static dev.tern.delivery.dsn.DsnFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every DSN here is parsed back with Angus Mail and checked field by field (and for RFC 5322 line rules). */
class DsnComposerTest {
    private static final Recipient BOB = recipient("bob@remote.example", Set.of(), "rfc822;bob@old.example");

    @Test
    void failureReportHasTheRfc6522ShapeAndEveryField() throws Exception {
        Dsn dsn = dsn(envelope(options(MailOptions.Ret.UNSPECIFIED, "env-42"), BOB), failed(BOB));
        DsnMessage composed = compose(dsn, ORIGINAL);
        MimeMessage message = parse(composed.content());

        InternetAddress from = (InternetAddress) message.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("MAILER-DAEMON@mx.tern.test");
        assertThat(from.getPersonal()).isEqualTo("Mail Delivery System");
        assertThat(message.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("alice@sender.example");
        assertThat(message.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(message.getSentDate().toInstant()).isEqualTo(NOW);
        assertThat(message.getMessageID()).startsWith("<").endsWith("@mx.tern.test>").contains(QUEUE_ID.value());
        assertThat(message.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(message.getHeader("MIME-Version", null)).isEqualTo("1.0");
        ContentType type = new ContentType(message.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");

        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(prose(parts.getBodyPart(0)))
                .contains("mx.tern.test", "<bob@remote.example>: could not be delivered (status 5.1.1)",
                        "The server mx.remote.example said: 550 5.1.1 <bob@remote.example>: Recipient address",
                        "Your message is attached below.");
        assertThat(parts.getBodyPart(1).isMimeType("message/delivery-status")).isTrue();
        List<InternetHeaders> groups = statusGroups(parts.getBodyPart(1));
        assertThat(groups).hasSize(2);
        InternetHeaders perMessage = groups.get(0);
        assertThat(field(perMessage, "Reporting-MTA")).isEqualTo("dns; mx.tern.test");
        assertThat(field(perMessage, "Original-Envelope-Id")).isEqualTo("env-42");
        assertThat(new MailDateFormat().parse(field(perMessage, "Arrival-Date")).toInstant()).isEqualTo(ARRIVAL);
        InternetHeaders bob = groups.get(1);
        assertThat(field(bob, "Original-Recipient")).isEqualTo("rfc822;bob@old.example");
        assertThat(field(bob, "Final-Recipient")).isEqualTo("rfc822;bob@remote.example");
        assertThat(field(bob, "Action")).isEqualTo("failed");
        assertThat(field(bob, "Status")).isEqualTo("5.1.1");
        assertThat(field(bob, "Remote-MTA")).isEqualTo("dns; mx.remote.example");
        assertThat(field(bob, "Diagnostic-Code"))
                .isEqualTo("smtp; 550 5.1.1 <bob@remote.example>: Recipient address rejected: User unknown");
        assertThat(new MailDateFormat().parse(field(bob, "Last-Attempt-Date")).toInstant()).isEqualTo(LAST_ATTEMPT);
        assertThat(field(bob, "Will-Retry-Until")).isNull();

        BodyPart original = parts.getBodyPart(2);
        assertThat(original.isMimeType("message/rfc822")).isTrue();
        MimeMessage returned = (MimeMessage) original.getContent();
        assertThat(returned.getSubject()).isEqualTo("Hello");
        assertThat(returned.getMessageID()).isEqualTo("<m1@sender.example>");
        assertThat(body(returned)).isEqualTo("Body line one\r\nBody line two\r\n");
    }

    @Test
    void theDsnTravelsFromTheNullPathToTheOriginalSender() throws Exception {
        DsnMessage composed = compose(dsn(envelope(MailOptions.NONE, BOB), failed(BOB)), ORIGINAL);
        assertThat(composed.envelope().reversePath()).isEqualTo(ReversePath.NULL);
        assertThat(composed.envelope().recipients()).containsExactly(Recipient.of(SENDER));
        assertThat(composed.envelope().options().body()).isEqualTo(MailOptions.Body.SEVEN_BIT);
        assertThat(composed.envelope().options().smtpUtf8()).isFalse();
        assertThat(composed.envelope().options().ret()).isEqualTo(MailOptions.Ret.UNSPECIFIED);
    }

    // RFC 3464 §2.3.3 actions and their subjects; the status class goes with the action (§2.3.4).
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            failed    | 5.1.1 | mx.remote.example | 550 5.1.1 No such user | Undelivered Mail Returned to Sender | -
            failed    | 4.4.7 | mx.remote.example | 451 4.4.7 Timeout      | Undelivered Mail Returned to Sender | -
            failed    | 5.2.2 | -                 | -                      | Undelivered Mail Returned to Sender | -
            delayed   | 4.4.1 | mx.remote.example | 421 4.4.1 Busy         | Delayed Mail (still being retried)  | Fri, 6 Jun 2025 10:00:00 +0000
            delivered | 2.0.0 | -                 | -                      | Successful Mail Delivery Report     | -
            relayed   | 2.0.0 | mx.remote.example | 250 2.0.0 Ok queued    | Successful Mail Delivery Report     | -
            expanded  | 2.0.0 | -                 | -                      | Successful Mail Delivery Report     | -
            """)
    void eachActionIsReportedWithItsFields(String action, String status, String remote, String reply,
                                           String subject, String retryUntil) throws Exception {
        Recipient bob = recipient("bob@remote.example", Set.of(Notify.SUCCESS, Notify.FAILURE, Notify.DELAY), "");
        RecipientReport report = new RecipientReport(bob, action(action), EnhancedStatus.parse(status),
                remote == null ? "" : remote, reply == null ? DiagnosticCode.NONE : DiagnosticCode.smtp(reply),
                LAST_ATTEMPT);
        MimeMessage message = parse(compose(dsn(envelope(MailOptions.NONE, bob), report), ORIGINAL).content());

        assertThat(message.getSubject()).isEqualTo(subject);
        InternetHeaders group = statusGroups(((MimeMultipart) message.getContent()).getBodyPart(1)).get(1);
        assertThat(field(group, "Action")).isEqualTo(action);
        assertThat(field(group, "Status")).isEqualTo(status);
        assertThat(field(group, "Original-Recipient")).isNull();
        assertThat(field(group, "Remote-MTA")).isEqualTo(remote == null ? null : "dns; " + remote);
        assertThat(field(group, "Diagnostic-Code")).isEqualTo(reply == null ? null : "smtp; " + reply);
        assertThat(field(group, "Will-Retry-Until")).isEqualTo(retryUntil);
    }

    @Test
    void recipientsOfOneMessageShareOneDsnInEnvelopeOrder() throws Exception {
        Recipient carol = recipient("carol@remote.example", Set.of(), "rfc822;carol@list.example");
        Recipient dave = recipient("dave@other.example");
        Dsn dsn = dsn(envelope(MailOptions.NONE, BOB, carol, dave), failed(BOB), delayed(carol), failed(dave));
        MimeMessage message = parse(compose(dsn, ORIGINAL).content());

        assertThat(message.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        List<InternetHeaders> groups = statusGroups(parts.getBodyPart(1));
        assertThat(groups).hasSize(4);
        assertThat(groups.subList(1, 4)).extracting(g -> field(g, "Final-Recipient") + " " + field(g, "Action"))
                .containsExactly("rfc822;bob@remote.example failed", "rfc822;carol@remote.example delayed",
                        "rfc822;dave@other.example failed");
        assertThat(field(groups.get(2), "Original-Recipient")).isEqualTo("rfc822;carol@list.example");
        assertThat(field(groups.get(2), "Will-Retry-Until")).isEqualTo("Fri, 6 Jun 2025 10:00:00 +0000");
        assertThat(prose(parts.getBodyPart(0)))
                .contains("<bob@remote.example>: could not be delivered", "<dave@other.example>: could not be delivered",
                        "<carol@remote.example>: not delivered yet (status 4.4.1); the mail system keeps trying until");
    }

    // RFC 3461 §4.3: RET=HDRS returns the header only; a delay or success report never carries the body.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            UNSPECIFIED | failed    | message/rfc822
            FULL        | failed    | message/rfc822
            HDRS        | failed    | text/rfc822-headers
            FULL        | delayed   | text/rfc822-headers
            FULL        | delivered | text/rfc822-headers
            """)
    void retAndKindChooseWhatComesBack(MailOptions.Ret ret, String action, String expectedType) throws Exception {
        Recipient bob = recipient("bob@remote.example", Set.of(Notify.SUCCESS, Notify.FAILURE, Notify.DELAY), "");
        RecipientReport report = switch (action) {
            case "failed" -> failed(bob);
            case "delayed" -> delayed(bob);
            default -> new RecipientReport(bob, Action.DELIVERED, EnhancedStatus.parse("2.0.0"), "",
                    DiagnosticCode.NONE, LAST_ATTEMPT);
        };
        MimeMessage message = parse(compose(dsn(envelope(options(ret, ""), bob), report), ORIGINAL).content());
        BodyPart third = ((MimeMultipart) message.getContent()).getBodyPart(2);

        assertThat(third.isMimeType(expectedType)).as(third.getContentType()).isTrue();
        if (expectedType.equals("text/rfc822-headers")) {
            String headers = text(third);
            assertThat(headers).contains("Subject: Hello\r\n", "Message-ID: <m1@sender.example>\r\n")
                    .doesNotContain("Body line");
            assertThat(third.getHeader("Content-Description")[0]).endsWith("Message Headers");
        }
    }

    // The size cap (Postfix's bounce_size_limit): whole up to the limit, header section beyond it. A limit of
    // "=" is the original's exact size, "-1" one octet less.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0     | 10  | none
            =     | 10  | message/rfc822
            -1    | 10  | text/rfc822-headers
            50000 | 190 | message/rfc822
            50000 | 200 | text/rfc822-headers
            30    | 10  | text/rfc822-headers
            """)
    void largeOriginalsComeBackAsTheirHeaderOnly(String limit, int bodyLines, String expectedType) throws Exception {
        String header = "Subject: Big\r\nMessage-ID: <big@sender.example>\r\n";
        String line = "x".repeat(254) + "\r\n"; // 256 octets a line
        String original = header + "\r\n" + line.repeat(bodyLines);
        int size = original.length();
        int returnLimit = switch (limit) {
            case "=" -> size;
            case "-1" -> size - 1;
            default -> Integer.parseInt(limit);
        };
        Dsn dsn = dsn(envelope(MailOptions.NONE, BOB), failed(BOB));
        byte[] content = compose(new DsnSettings(returnLimit), dsn, original.getBytes(StandardCharsets.US_ASCII)).content();
        MimeMultipart parts = (MimeMultipart) parse(content).getContent();

        if (expectedType.equals("none")) {
            assertThat(parts.getCount()).isEqualTo(2);
            return;
        }
        BodyPart third = parts.getBodyPart(2);
        assertThat(third.isMimeType(expectedType)).as("size %d, limit %d", size, returnLimit).isTrue();
        assertThat(content.length).isLessThan(Math.min(size, Math.max(returnLimit, header.length())) + 4096);
        if (expectedType.equals("message/rfc822")) {
            assertThat(body((MimeMessage) third.getContent())).isEqualTo(line.repeat(bodyLines));
        } else if (returnLimit >= header.length()) {
            assertThat(text(third)).isEqualTo(header);
        } else {
            assertThat(text(third)).isEqualTo("Subject: Big\r\n"); // cut after the last whole line that fits
        }
    }

    @Test
    void aHugeOriginalIsReadOnlyUpToTheLimit() throws Exception {
        long[] read = {0};
        byte[] head = "Subject: Huge\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long size = 1L << 32; // 4 GiB, never held anywhere
        OriginalMessage huge = () -> new InputStream() {
            @Override
            public int read() {
                if (read[0] >= size) return -1;
                long at = read[0]++;
                return at < head.length ? head[(int) at] : (at % 100 == 99 ? '\n' : 'y');
            }
        };
        DsnMessage composed = new DsnComposer(HOST, DsnSettings.defaults())
                .compose(dsn(envelope(MailOptions.NONE, BOB), failed(BOB)), huge);

        assertWellFormed(composed.content());
        assertThat(read[0]).isLessThanOrEqualTo(DsnSettings.defaults().returnLimit() + 1);
        BodyPart third = ((MimeMultipart) parse(composed.content()).getContent()).getBodyPart(2);
        assertThat(third.isMimeType("text/rfc822-headers")).isTrue();
        assertThat(text(third)).isEqualTo("Subject: Huge\r\n");
    }

    @Test
    void withoutAnOriginalTheReportHasTwoParts() throws Exception {
        DsnMessage composed = new DsnComposer(HOST, DsnSettings.defaults())
                .compose(dsn(envelope(MailOptions.NONE, BOB), failed(BOB)), OriginalMessage.NONE);
        assertWellFormed(composed.content());
        MimeMultipart parts = (MimeMultipart) parse(composed.content()).getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(prose(parts.getBodyPart(0))).doesNotContain("attached");
    }

    // RFC 6533: an SMTPUTF8 original gets the global forms and utf-8 address types.
    @Test
    void smtpUtf8MessagesGetTheGlobalForms() throws Exception {
        Mailbox sender = Mailbox.of("алиса", "sender.example");
        Recipient jose = Recipient.of(Mailbox.of("josé", "remote.example"));
        MailOptions utf8 = new MailOptions(0, MailOptions.Body.EIGHT_BIT_MIME, true, MailOptions.Ret.UNSPECIFIED, "");
        Dsn dsn = new Dsn(QUEUE_ID, new dev.tern.mail.Envelope(ReversePath.of(sender), List.of(jose, BOB), utf8),
                ARRIVAL, NOW, List.of(failed(jose), failed(BOB)));
        String original = "From: алиса@sender.example\r\nTo: josé@remote.example\r\nSubject: Grüße\r\n\r\nHallo\r\n";
        DsnMessage composed = compose(dsn, original);
        MimeMessage message = parse(composed.content());

        assertThat(composed.envelope().options().smtpUtf8()).isTrue(); // the To field holds a UTF-8 address
        assertThat(composed.envelope().options().body()).isEqualTo(MailOptions.Body.EIGHT_BIT_MIME);
        assertThat(message.getHeader("To", null)).isEqualTo("алиса@sender.example");
        assertThat(new ContentType(message.getContentType()).getParameter("report-type"))
                .isEqualTo("global-delivery-status");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getParameter("charset")).isEqualTo("utf-8");
        assertThat(prose(parts.getBodyPart(0))).contains("<josé@remote.example>: could not be delivered");
        assertThat(parts.getBodyPart(1).isMimeType("message/global-delivery-status")).isTrue();
        List<InternetHeaders> groups = statusGroups(parts.getBodyPart(1));
        assertThat(field(groups.get(1), "Final-Recipient")).isEqualTo("utf-8;josé@remote.example");
        assertThat(field(groups.get(2), "Final-Recipient")).isEqualTo("rfc822;bob@remote.example");
        assertThat(parts.getBodyPart(2).isMimeType("message/global")).isTrue();
        assertThat(parts.getBodyPart(2).getHeader("Content-Transfer-Encoding")[0]).isEqualTo("8bit");
        MimeMessage returned = parse(parts.getBodyPart(2).getInputStream().readAllBytes());
        assertThat(returned.getSubject()).isEqualTo("Grüße");
    }

    @Test
    void smtpUtf8WithRetHdrsReturnsGlobalHeaders() throws Exception {
        MailOptions utf8 = new MailOptions(0, MailOptions.Body.EIGHT_BIT_MIME, true, MailOptions.Ret.HDRS, "");
        MimeMessage message = parse(compose(dsn(envelope(utf8, BOB), failed(BOB)), ORIGINAL).content());
        BodyPart third = ((MimeMultipart) message.getContent()).getBodyPart(2);
        assertThat(third.isMimeType("message/global-headers")).isTrue();
        assertThat(text(third)).contains("Subject: Hello").doesNotContain("Body line");
    }

    @Test
    void anAsciiSenderNeedsNoSmtpUtf8ForAGlobalReport() throws Exception {
        Recipient jose = Recipient.of(Mailbox.of("josé", "remote.example"));
        MailOptions utf8 = new MailOptions(0, MailOptions.Body.EIGHT_BIT_MIME, true, MailOptions.Ret.UNSPECIFIED, "");
        DsnMessage composed = compose(dsn(envelope(utf8, jose), failed(jose)), ORIGINAL);
        assertThat(composed.envelope().options().smtpUtf8()).isFalse(); // RFC 6533: 8BITMIME carries the parts
        assertThat(composed.envelope().options().body()).isEqualTo(MailOptions.Body.EIGHT_BIT_MIME);
    }

    // RFC 5322 §2.1.1 and §2.3 whatever the input: long replies fold, bad originals are repaired.
    @Test
    void longRepliesFoldAndComeBackWhole() throws Exception {
        String reply = "550 5.7.1 " + "word ".repeat(600) + "z".repeat(2500);
        RecipientReport report = RecipientReport.failed(BOB, EnhancedStatus.parse("5.7.1"), "mx.remote.example",
                DiagnosticCode.smtp(reply), LAST_ATTEMPT);
        MimeMessage message = parse(compose(dsn(envelope(MailOptions.NONE, BOB), report), ORIGINAL).content());
        InternetHeaders group = statusGroups(((MimeMultipart) message.getContent()).getBodyPart(1)).get(1);
        // Folding only adds line breaks before spaces; the one 2500-octet word had to be split with spaces.
        assertThat(field(group, "Diagnostic-Code").replace(" ", ""))
                .isEqualTo(("smtp;" + reply).replace(" ", ""));
        assertThat(field(group, "Diagnostic-Code")).startsWith("smtp; 550 5.7.1 word word");
    }

    @Test
    void bareLineEndsAndOverlongLinesInTheOriginalAreRepaired() throws Exception {
        String longHeader = "X-Long: " + "h".repeat(1500);
        String longBody = "b".repeat(2100);
        String original = "Subject: Broken\n" + longHeader + "\r\n\rbody with bare CR\rand bare LF\n" + longBody + "\n";
        MimeMessage message = parse(compose(dsn(envelope(MailOptions.NONE, BOB), failed(BOB)), original).content());
        MimeMessage returned = (MimeMessage) ((MimeMultipart) message.getContent()).getBodyPart(2).getContent();

        assertThat(returned.getSubject()).isEqualTo("Broken");
        assertThat(returned.getHeader("X-Long", null).replaceAll("\r\n ", "")).isEqualTo("h".repeat(1500));
        assertThat(body(returned)).isEqualTo("body with bare CR\r\nand bare LF\r\n"
                + "b".repeat(998) + "\r\n" + "b".repeat(998) + "\r\n" + "b".repeat(104) + "\r\n");
    }

    @Test
    void theBoundaryNeverOccursInAPart() throws Exception {
        // The first candidate the composer would try, planted in the original.
        String first = "=_tern_" + QUEUE_ID.value() + "_" + Long.toString(NOW.toEpochMilli(), 36) + "_00000000";
        String original = "Subject: Trap\r\n\r\n--" + first + "\r\nnot a part\r\n--" + first + "--\r\n";
        byte[] content = compose(dsn(envelope(MailOptions.NONE, BOB), failed(BOB)), original).content();
        MimeMultipart parts = (MimeMultipart) parse(content).getContent();

        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(new ContentType(parse(content).getContentType()).getParameter("boundary")).isNotEqualTo(first);
        assertThat(body((MimeMessage) parts.getBodyPart(2).getContent())).contains("--" + first + "\r\nnot a part");
    }

    @Test
    void delayAndFailureOfOneMessageHaveDifferentMessageIds() throws Exception {
        String failure = parse(compose(dsn(envelope(MailOptions.NONE, BOB), failed(BOB)), ORIGINAL).content()).getMessageID();
        String delay = parse(compose(dsn(envelope(MailOptions.NONE, BOB), delayed(BOB)), ORIGINAL).content()).getMessageID();
        assertThat(failure).isNotEqualTo(delay);
    }

    /** The text part with its line wrapping undone. */
    private static String prose(BodyPart part) throws Exception {
        return text(part).replaceAll("\r\n +", " ").replaceAll("(?<!\r\n)\r\n(?!\r\n)", " ");
    }

    private static Action action(String keyword) {
        return switch (keyword) {
            case "failed" -> Action.FAILED;
            case "delayed" -> Action.delayed(RETRY_UNTIL);
            case "delivered" -> Action.DELIVERED;
            case "relayed" -> Action.RELAYED;
            case "expanded" -> Action.EXPANDED;
            default -> throw new IllegalArgumentException(keyword);
        };
    }

    private static String body(MimeMessage message) throws Exception {
        try (InputStream in = message.getRawInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
