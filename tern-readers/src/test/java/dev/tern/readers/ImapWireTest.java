package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import dev.tern.store.MailStore;
import dev.tern.store.MaildirStore;
import dev.tern.tls.TlsContext;
import dev.tern.tls.TlsSettings;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real ImapServer on 127.0.0.1 over a real MaildirStore, driven by Python's imaplib and by raw transcripts. */
class ImapWireTest {
    static final Credentials ACCOUNTS = new Credentials() {
        @Override
        public Check verifyPassword(String username, String password) {
            return username.equals("alice@example.org") && password.equals("secret") ? Check.ACCEPTED : Check.REJECTED;
        }

        @Override
        public Optional<ScramCredential> scramSha256(String username) {
            return Optional.empty();
        }
    };

    @TempDir
    Path dir;
    private MailStore store;
    private ImapServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        store = MaildirStore.open(dir.resolve("mail"));
        TlsContext tls = TlsContext.open(TlsSettings.defaults(), Files.createDirectories(dir.resolve("tls")), "imap.tern.test");
        ImapServerSettings settings = ImapServerSettings.defaults().withPlaintextOnLoopback(true).withListen(
                List.of(new InetSocketAddress("127.0.0.1", 0)), List.of(new InetSocketAddress("127.0.0.1", 0)));
        server = new ImapServer(settings, store, client -> ACCOUNTS, tls);
        server.start();
        port = server.addresses("imap").getFirst().getPort();
        deliver("Subject: first\r\n\r\nfirst message\r\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void deliver(String message) throws IOException {
        store.deliver(Mailbox.of("alice", "example.org"), "d" + System.nanoTime(),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), false);
    }

    @Test
    void pythonImaplibLogsInListsAppendsFetchesStoresExpungesAndIdles() throws Exception {
        Path script = dir.resolve("imaplib_session.py");
        try (InputStream in = getClass().getResourceAsStream("/imaplib_session.py")) {
            Files.copy(in, script);
        }
        Process python = new ProcessBuilder("python3", script.toString(), Integer.toString(port)).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                if (line.equals("idling")) deliver("Subject: while idling\r\n\r\nwake up\r\n");
            }
        }
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(String.join("\n", lines)).isZero();
        assertThat(lines).contains("ok login", "ok list", "ok append", "ok fetch", "ok expunge", "ok idle", "ok logout");
    }

    /** RFC 9051 §6.2.1: a command pipelined after STARTTLS is thrown away, not run after the handshake. */
    @Test
    void startTlsDiscardsPipelinedCommandsAndLoginNeedsNoTlsOnLoopback() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK [CAPABILITY IMAP4rev2").contains("STARTTLS").contains("AUTH=PLAIN");
            out.write("a1 LOGIN alice@example.org wrong\r\na2 LOGIN alice@example.org secret\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("a1 NO [AUTHENTICATIONFAILED] Authentication failed");
            assertThat(in.readLine()).startsWith("a2 OK [CAPABILITY");
            out.write("a3 SELECT INBOX\r\n".getBytes(StandardCharsets.US_ASCII));
            List<String> select = new ArrayList<>();
            for (String line = in.readLine(); !line.startsWith("a3 "); line = in.readLine()) select.add(line);
            assertThat(select).contains("* 1 EXISTS");
            out.write("a4 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("* BYE Logging out");
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            socket.getOutputStream().write("s1 STARTTLS\r\ns2 LOGIN alice@example.org secret\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("s1 OK Begin TLS negotiation now");
            // The injected s2 must not be answered in the clear (nor later): the server now waits for a handshake.
            socket.setSoTimeout(500);
            assertThat(readOrTimeout(in)).isNull();
        }
    }

    /** A {n+} far over the APPEND cap (99 MB) is not read through: * BYE [TOOBIG] and the connection ends. */
    @Test
    void aHugeNonSynchronizingLiteralGetsByeAndTheConnectionCloses() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            out.write("a1 LOGIN alice@example.org secret\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("a1 OK");
            out.write("a2 APPEND INBOX {99000000+}\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("* BYE [TOOBIG] Literal too big; closing the connection");
            assertThat(in.readLine()).isNull();
        }
    }

    @Test
    void beforeLoginNoLiteralMayBeMessageSizedAfterLoginAppendMay() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            // 1 MiB is within APPEND's cap, but before login only a password-sized literal is taken (no "+").
            out.write("a1 APPEND INBOX {1048576}\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("a1 NO [TOOBIG]");
            out.write("a2 LOGIN alice@example.org secret\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("a2 OK");
            out.write("a3 APPEND INBOX {1048576}\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("+");
            byte[] message = ("Subject: big\r\n\r\n" + "x".repeat(1048576 - 16 - 2) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            assertThat(message.length).isEqualTo(1048576);
            out.write(message);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("a3 OK [APPENDUID ");
        }
    }

    private static String readOrTimeout(BufferedReader in) throws IOException {
        try {
            return in.readLine();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
    }
}
