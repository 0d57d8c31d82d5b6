package dev.tern.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.junit.TernExtension;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The application's mail checked the way a user's project does it: Tern captures, the test reads. */
class WelcomeMailerTest {
    @RegisterExtension
    static TernExtension mail = TernExtension.perClass();

    @Test
    void sendsOneWelcomeToEachNewUser() throws Exception {
        WelcomeMailer mailer = new WelcomeMailer("127.0.0.1", mail.smtpPort());
        mailer.welcome("bob@example.test", "Bob");
        mailer.welcome("ann@example.test", "Ann");

        List<MimeMessage> bob = mail.awaitMessages(1).to("bob@example.test");
        assertEquals("Welcome, Bob", bob.getFirst().getSubject());
        assertTrue(((String) bob.getFirst().getContent()).contains("your account is ready"));
        assertEquals("Welcome, Ann", mail.awaitMessages(1).to("ann@example.test").getFirst().getSubject());
    }

    @Test
    void theSupportTeamReadsTheWelcomeCopyOverImap() throws Exception {
        mail.createAccount("support@shop.example", "support-secret");   // a login, in one call
        new WelcomeMailer("127.0.0.1", mail.smtpPort()).welcome("support@shop.example", "Support");
        mail.awaitMessages(1).to("support@shop.example");

        SupportInbox inbox = new SupportInbox("127.0.0.1", mail.imapPort(), "support@shop.example", "support-secret");
        assertEquals(List.of("Welcome, Support"), inbox.subjects());
    }
}
