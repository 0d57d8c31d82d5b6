package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole transactions from a real third-party client: Eclipse Angus Mail (Jakarta Mail). */
class AngusMailClientTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Session session(Properties extra) {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(server.port()));
        props.put("mail.smtp.localhost", "client.test");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.putAll(extra);
        return Session.getInstance(props);
    }

    private static MimeMessage message(Session session, String subject, String text, String... to) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("sender@client.test"));
        for (String rcpt : to) message.addRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        return message;
    }

    @Test
    void sendsToSeveralRecipients() throws Exception {
        Session session = session(new Properties());
        Transport.send(message(session, "hello", "Grüße aus Jakarta Mail\n", "erin@localhost", "frank@localhost"));
        assertThat(server.awaitMessages("erin", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
        List<Path> frank = server.awaitMessages("frank", "localhost", 1, Duration.ofSeconds(10));
        assertThat(frank).hasSize(1);
        assertThat(Files.readString(frank.getFirst())).contains("Subject: hello");
    }

    @Test
    void sendsWithBdatWhenChunkingIsOn() throws Exception {
        Properties chunking = new Properties();
        chunking.put("mail.smtp.chunksize", "4096"); // Angus sends BDAT chunks when the server offers CHUNKING
        Session session = session(chunking);
        String body = "line of a chunked message\n".repeat(2000);
        Transport.send(message(session, "chunked", body, "grace@localhost"));
        List<Path> files = server.awaitMessages("grace", "localhost", 1, Duration.ofSeconds(10));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.getFirst())).contains("Subject: chunked").contains("line of a chunked message");
    }

    @Test
    void largeMessageArrivesIntact() throws Exception {
        Session session = session(new Properties());
        String body = ("0123456789abcdefghijklmnopqrstuvwxyz".repeat(2) + "\n").repeat(30_000); // about 2 MiB
        Transport.send(message(session, "large", body, "heidi@localhost"));
        List<Path> files = server.awaitMessages("heidi", "localhost", 1, Duration.ofSeconds(20));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.getFirst())).contains(body.substring(0, 1000));
        assertThat(Files.size(files.getFirst())).isGreaterThan(2_000_000);
    }

    @Test
    void relayAttemptFailsForThatRecipient() throws Exception {
        Session session = session(new Properties());
        assertThatThrownBy(() -> Transport.send(message(session, "relay", "x\n", "victim@elsewhere.example")))
                .isInstanceOf(SendFailedException.class)
                .hasStackTraceContaining("550 5.7.1");
    }
}
