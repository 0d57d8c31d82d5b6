package dev.tern.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
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
        mail.awaitMessages(1).to("ann@example.test"); // arrived: the short wait below cannot miss it on a busy machine
        assertThatThrownBy(() -> mail.withTimeout(Duration.ofMillis(300)).awaitMessages(2).to("ann@example.test"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("got 1").hasMessageContaining("ann@example.test");
        mail.withTimeout(Duration.ofSeconds(5));
    }

    /** One call makes a login: the mail to it is read over IMAP and POP3, and it authenticates on submission. */
    @Test
    void createdAccountReadsOverImapAndPop3AndSubmits() throws Exception {
        mail.createAccount("alice@accounts.test", "alice-secret");
        send("alice@accounts.test", "for alice");
        mail.awaitMessages(1).to("alice@accounts.test");

        Session session = Session.getInstance(new Properties()); // plaintext login: loopback only
        try (Store imap = session.getStore("imap")) {
            imap.connect("127.0.0.1", mail.imapPort(), "alice@accounts.test", "alice-secret");
            Folder inbox = imap.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            // Awaited in the capture means in the mailbox too: no polling here.
            assertThat(inbox.getMessages()).extracting(Message::getSubject).containsExactly("for alice");
            inbox.close(false);
        }
        try (Store pop3 = session.getStore("pop3")) {
            pop3.connect("127.0.0.1", mail.pop3Port(), "alice@accounts.test", "alice-secret");
            Folder inbox = pop3.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessages()).extracting(Message::getSubject).containsExactly("for alice");
            inbox.close(false);
        }
        try (Store wrong = session.getStore("imap")) {
            assertThatThrownBy(() -> wrong.connect("127.0.0.1", mail.imapPort(), "alice@accounts.test", "not-her-password"))
                    .isInstanceOf(AuthenticationFailedException.class);
        }

        Properties submission = new Properties();
        submission.put("mail.smtp.host", "127.0.0.1");
        submission.put("mail.smtp.port", Integer.toString(mail.submissionPort()));
        submission.put("mail.smtp.auth", "true");
        MimeMessage message = new MimeMessage(Session.getInstance(submission));
        message.setFrom(new InternetAddress("alice@accounts.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("carl@example.test"));
        message.setSubject("from alice");
        message.setText("sent with a login");
        Transport.send(message, "alice@accounts.test", "alice-secret");
        assertThat(mail.awaitMessages(1).to("carl@example.test")).extracting(MimeMessage::getSubject)
                .containsExactly("from alice");

        assertThatThrownBy(() -> mail.createAccount("alice@accounts.test", "another-one"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists");
        assertThatThrownBy(() -> mail.createAccount("bob@accounts.test", "short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 characters");
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

    /** STARTTLS offers the certificate shipped in the jar: the server found it usable and made none (docs/junit.md). */
    @Test
    void startTlsPresentsTheShippedCertificate() throws Exception {
        Certificate shipped;
        try (var in = TernExtension.class.getResourceAsStream("selfsigned-fullchain.pem")) {
            shipped = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (Socket plain = new Socket("127.0.0.1", mail.smtpPort())) {
            plain.setSoTimeout(5_000);
            var in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            var out = plain.getOutputStream();
            assertThat(lastLine(in)).startsWith("220 ");
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(lastLine(in)).startsWith("250 ");
            out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(lastLine(in)).startsWith("220 ");
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new AnyServer()}, null);
            try (var tls = (SSLSocket) trustAll.getSocketFactory().createSocket(plain, "127.0.0.1", mail.smtpPort(), false)) {
                tls.startHandshake();
                assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(shipped);
            }
        }
    }

    /** The last line of a reply (RFC 5321 §4.2.1: {@code 250-} continues, {@code 250 } ends); bounded by the socket timeout. */
    private static String lastLine(BufferedReader in) throws Exception {
        for (int i = 0; i < 100; i++) {
            String line = in.readLine();
            if (line == null) throw new AssertionError("connection closed");
            if (line.length() < 4 || line.charAt(3) != '-') return line;
        }
        throw new AssertionError("reply of more than 100 lines");
    }

    /** Test only: the client trusts any server certificate, so the test can look at the one it gets. */
    private static final class AnyServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Trusting any: the assertion compares the certificate itself.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
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
