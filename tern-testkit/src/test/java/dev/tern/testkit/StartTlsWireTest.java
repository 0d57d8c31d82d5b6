package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.directory.Directory;
import dev.tern.directory.DirectorySettings;
import dev.tern.server.InboundPolicy;
import dev.tern.server.ServerSettings;
import dev.tern.server.SmtpServer;
import dev.tern.testbase.TrustAll;
import dev.tern.tls.TlsContext;
import dev.tern.tls.TlsSettings;
import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import dev.tern.smtp.SessionSettings;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS (RFC 3207), SMTPS (RFC 8314), AUTH (RFC 4954) and submission (RFC 6409) over real sockets and real
 * TLS handshakes, with the server's self-signed certificate (the test client trusts anything).
 */
class StartTlsWireTest {
    static final String GOOD_PLAIN = base64("\0alice@localhost\0secret");
    static final List<InetSocketAddress> ANY_PORT = List.of(new InetSocketAddress("127.0.0.1", 0));

    @TempDir
    static Path data;
    static Spool spool;
    static SmtpServer server;
    static final List<String> checked = new CopyOnWriteArrayList<>();

    /** One account, alice@localhost with password "secret"; records which users were checked. */
    static final Credentials CREDENTIALS = new Credentials() {
        @Override
        public Check verifyPassword(String username, String password) {
            checked.add(username);
            return username.equals("alice@localhost") && password.equals("secret") ? Check.ACCEPTED : Check.REJECTED;
        }

        @Override
        public Optional<ScramCredential> scramSha256(String username) {
            return Optional.empty();
        }
    };

    @BeforeAll
    static void start() throws IOException {
        spool = Spool.open(data.resolve("spool"), SpoolSettings.defaults());
        TlsContext tls = TlsContext.open(TlsSettings.defaults(), data, "localhost");
        ServerSettings settings = ServerSettings.defaults().withListeners(ANY_PORT, ANY_PORT, ANY_PORT);
        server = new SmtpServer(settings, SessionSettings.defaults(),
                new InboundPolicy(new Directory(DirectorySettings.defaults())), spool, tls, client -> CREDENTIALS);
        server.start();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        spool.close();
    }

    /** A client socket that speaks plaintext until {@link #startTls()}. */
    static final class Client implements AutoCloseable {
        Socket socket;
        InputStream in;
        OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        static Client smtps(int port) throws IOException {
            Client client = new Client(port);
            client.startTls();
            return client;
        }

        void startTls() throws IOException {
            SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
            tls.startHandshake();
            socket = tls;
            in = tls.getInputStream();
            out = tls.getOutputStream();
        }

        void send(String lines) throws IOException {
            out.write(lines.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends one line and returns the whole reply, lines joined with newlines. */
        String ask(String line) throws IOException {
            send(line + "\r\n");
            return reply();
        }

        String reply() throws IOException {
            return String.join("\n", Transcript.readReply(in));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static SSLContext trustAll() {
        return TrustAll.context();
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static int smtpPort() {
        return server.addresses().getFirst().getPort();
    }

    static int submissionPort() {
        return server.submissionAddresses().getFirst().getPort();
    }

    static int smtpsPort() {
        return server.smtpsAddresses().getFirst().getPort();
    }

    @Test
    void commandsPipelinedAfterStartTlsAreDiscarded() throws IOException {
        // CVE-2011-0411 / RFC 3207 §4.2: the RSET sent with STARTTLS in one write must never be answered.
        try (Client client = new Client(smtpPort())) {
            assertThat(client.reply()).startsWith("220 ");
            assertThat(client.ask("EHLO client.test")).contains("250-STARTTLS").doesNotContain("AUTH");
            client.send("STARTTLS\r\nRSET\r\n");
            assertThat(client.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            client.startTls();
            String ehlo = client.ask("EHLO client.test");
            assertThat(ehlo).startsWith("250-localhost").contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256")
                    .doesNotContain("STARTTLS");
            assertThat(client.ask("QUIT")).startsWith("221 ");
            assertThat(Transcript.readLine(client.in)).isNull();
        }
    }

    @Test
    void sessionStateIsForgottenAfterStartTls() throws IOException {
        try (Client client = new Client(smtpPort())) {
            client.reply();
            client.ask("EHLO client.test");
            assertThat(client.ask("STARTTLS")).startsWith("220 2.0.0");
            client.startTls();
            assertThat(client.ask("MAIL FROM:<a@client.test>")).startsWith("503 5.5.1");
            assertThat(client.ask("STARTTLS")).startsWith("503 5.5.1");
        }
    }

    @Test
    void port25RelaysOnlyForAuthenticatedClients() throws IOException {
        try (Client client = new Client(smtpPort())) {
            client.reply();
            client.ask("EHLO client.test");
            // RFC 4954 §6: AUTH before TLS is 538 on a listener that offers it only encrypted.
            assertThat(client.ask("AUTH PLAIN " + GOOD_PLAIN)).startsWith("538 5.7.11 ");
            client.ask("STARTTLS");
            client.startTls();
            client.ask("EHLO client.test");
            assertThat(client.ask("MAIL FROM:<a@client.test>")).startsWith("250 ");
            assertThat(client.ask("RCPT TO:<x@far.example>")).isEqualTo("550 5.7.1 Relay access denied");
            assertThat(client.ask("RSET")).startsWith("250 ");
            assertThat(client.ask("AUTH PLAIN " + GOOD_PLAIN)).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.ask("MAIL FROM:<alice@localhost>")).startsWith("250 ");
            assertThat(client.ask("RCPT TO:<x@far.example>")).startsWith("250 2.1.5");
            assertThat(client.ask("DATA")).startsWith("354 ");
            assertThat(client.ask("Subject: relayed\r\n\r\nhello\r\n.")).startsWith("250 2.0.0 Ok: queued as ");
        }
    }

    @Test
    void submissionRequiresTlsAndAuthBeforeMail() throws IOException {
        try (Client client = new Client(submissionPort())) {
            client.reply();
            assertThat(client.ask("EHLO client.test")).contains("250-STARTTLS").doesNotContain("AUTH");
            assertThat(client.ask("MAIL FROM:<alice@localhost>")).startsWith("530 5.7.0 ");
            client.ask("STARTTLS");
            client.startTls();
            assertThat(client.ask("EHLO client.test")).contains("AUTH PLAIN LOGIN SCRAM-SHA-256");
            assertThat(client.ask("MAIL FROM:<alice@localhost>")).isEqualTo("530 5.7.0 Authentication required");
            // LOGIN, the way many clients still do it.
            assertThat(client.ask("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(client.ask(base64("alice@localhost"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(client.ask(base64("secret"))).startsWith("235 2.7.0");
            // RFC 6409 §6.1: the envelope sender must be the user's own.
            assertThat(client.ask("MAIL FROM:<bob@localhost>")).isEqualTo("553 5.7.1 Sender address not owned by the authenticated user");
            assertThat(client.ask("MAIL FROM:<>")).startsWith("250 ");
        }
    }

    @Test
    void smtpsHandshakesBeforeTheGreeting() throws IOException {
        try (Client client = Client.smtps(smtpsPort())) {
            assertThat(client.reply()).startsWith("220 ");
            assertThat(((SSLSocket) client.socket).getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            String ehlo = client.ask("EHLO client.test");
            assertThat(ehlo).contains("AUTH PLAIN LOGIN SCRAM-SHA-256").doesNotContain("STARTTLS");
            assertThat(client.ask("STARTTLS")).startsWith("503 5.5.1");
            assertThat(client.ask("AUTH PLAIN " + base64("\0alice@localhost\0wrong"))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(client.ask("AUTH PLAIN " + base64("\0nobody@localhost\0secret"))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(client.ask("AUTH PLAIN")).isEqualTo("334 "); // RFC 4954 §4: "334" SP, an empty challenge
            assertThat(client.ask("*")).isEqualTo("501 5.0.0 Authentication cancelled");
            assertThat(client.ask("AUTH PLAIN")).isEqualTo("334 "); // RFC 4954 §4: "334" SP, an empty challenge
            assertThat(client.ask(GOOD_PLAIN)).startsWith("235 2.7.0");
        }
    }

    @Test
    void authResponseLinesUpTo12288OctetsAreRead() throws IOException {
        // RFC 4954 §4: 12,288 octets of response are allowed; §6: a longer line is 500 5.5.6.
        try (Client client = Client.smtps(smtpsPort())) {
            client.reply();
            client.ask("EHLO client.test");
            assertThat(client.ask("AUTH PLAIN")).isEqualTo("334 "); // RFC 4954 §4: "334" SP, an empty challenge
            assertThat(client.ask("A".repeat(12_288))).startsWith("535 5.7.8");
            assertThat(client.ask("AUTH PLAIN")).isEqualTo("334 "); // RFC 4954 §4: "334" SP, an empty challenge
            assertThat(client.ask("A".repeat(12_292))).isEqualTo("500 5.5.6 Authentication exchange line is too long");
            assertThat(client.ask("AUTH PLAIN " + GOOD_PLAIN)).startsWith("235 2.7.0");
        }
    }

    @Test
    void aFailedHandshakeClosesTheConnectionAndTheServerGoesOn() throws IOException {
        try (Client client = new Client(smtpPort())) {
            client.reply();
            assertThat(client.ask("STARTTLS")).startsWith("220 2.0.0");
            client.send("this is not a TLS ClientHello\r\n");
            assertThat(client.in.readNBytes(4096)).isNotNull(); // an alert, perhaps, then the end
            assertThat(client.in.read()).isEqualTo(-1);
        }
        try (Client client = Client.smtps(smtpsPort())) {
            assertThat(client.reply()).startsWith("220 ");
        }
    }

    static jakarta.mail.Session angus(int port, String... extra) {
        java.util.Properties props = new java.util.Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.localhost", "client.test");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.ssl.trust", "*"); // test only: the self-signed certificate
        for (int i = 0; i < extra.length; i += 2) props.put(extra[i], extra[i + 1]);
        return jakarta.mail.Session.getInstance(props);
    }

    static void send(jakarta.mail.Session session, String password) throws jakarta.mail.MessagingException {
        var message = new jakarta.mail.internet.MimeMessage(session);
        message.setFrom(new jakarta.mail.internet.InternetAddress("alice@localhost"));
        message.addRecipient(jakarta.mail.Message.RecipientType.TO, new jakarta.mail.internet.InternetAddress("x@far.example"));
        message.setSubject("submitted");
        message.setText("hello\n");
        jakarta.mail.Transport.send(message, "alice@localhost", password);
    }

    @Test
    void angusMailSubmitsWithStartTlsAndAuth() throws Exception {
        for (String mechanism : List.of("PLAIN", "LOGIN")) {
            send(angus(submissionPort(), "mail.smtp.starttls.enable", "true", "mail.smtp.starttls.required", "true",
                    "mail.smtp.auth.mechanisms", mechanism), "secret");
        }
    }

    @Test
    void angusMailSubmitsOverSmtps() throws Exception {
        send(angus(smtpsPort(), "mail.smtp.ssl.enable", "true"), "secret");
    }

    @Test
    void angusMailReportsAWrongPassword() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> send(angus(smtpsPort(), "mail.smtp.ssl.enable", "true"), "wrong"))
                .isInstanceOf(jakarta.mail.AuthenticationFailedException.class);
    }
}
