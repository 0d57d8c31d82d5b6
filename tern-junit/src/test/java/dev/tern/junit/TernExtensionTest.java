package dev.tern.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a user's test meets it: Angus Mail sends over SMTP, the extension awaits and parses. */
class TernExtensionTest {
    @RegisterExtension
    static TernExtension mail = TernExtension.perClass().withTimeout(Duration.ofSeconds(5));

    @Test
    void awaitsMessagesToOneRecipient() throws Exception {
        send("bob@example.test", "hello bob");
        send("eve@elsewhere.test", "hello eve");
        send("bob@example.test", "again bob");
        var bob = mail.awaitMessages(2).to("bob@example.test");
        assertThat(bob).extracting(MimeMessage::getSubject).containsExactly("hello bob", "again bob");
        assertThat(mail.awaitMessages(3).all()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void failsListingWhatArrived() throws Exception {
        send("ann@example.test", "only one");
        assertThatThrownBy(() -> mail.withTimeout(Duration.ofMillis(300)).awaitMessages(2).to("ann@example.test"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("got 1").hasMessageContaining("ann@example.test");
        mail.withTimeout(Duration.ofSeconds(5));
    }

    @Test
    void startsQuicklyWhenWarm() throws Exception {
        TernExtension other = TernExtension.perTest();
        other.start();
        Duration first = other.startTime();
        other.stop();
        other.start();
        Duration second = other.startTime();
        other.stop();
        System.out.println("tern-junit start: first in this test " + first.toMillis() + " ms, second "
                + second.toMillis() + " ms (the class's own server started first: " + mail.startTime().toMillis() + " ms)");
        assertThat(second).isLessThan(Duration.ofSeconds(5));
    }

    private static void send(String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(mail.smtpPort()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("app@client.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("body of " + subject);
        Transport.send(message);
    }
}
