package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6 over real sockets: BDAT gets the bare CR/LF policy of DATA (smuggling, CVE-2023-51764 class), long
 * paths the RFC says a server must take are taken with AUTH= (RFC 4954 §5), and a session the server closes
 * with 421 is logged with that reply.
 */
class ContentPolicyWireTest {
    // The shape of SMTP smuggling: a bare-LF "end of data", then a second transaction inside the first.
    static final String SMUGGLED = "Subject: hi\r\n\r\nhello\n.\nMAIL FROM:<admin@bank.example>\r\n"
            + "RCPT TO:<victim@localhost>\r\nDATA\r\nSubject: forged\r\n";

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

    @Test
    void bdatRefusesWhatDataRefuses() throws IOException {
        try (Socket socket = session()) {
            InputStream in = socket.getInputStream();
            byte[] body = SMUGGLED.getBytes(StandardCharsets.US_ASCII);
            send(socket, "MAIL FROM:<a@client.test>\r\nRCPT TO:<smuggle@localhost>\r\nBDAT " + body.length + " LAST\r\n");
            socket.getOutputStream().write(body);
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).isEqualTo("550 5.6.0 Message contains bare CR or LF");
            // The same bytes through DATA: the same answer (RFC 5321 §2.3.8).
            send(socket, "MAIL FROM:<a@client.test>\r\nRCPT TO:<smuggle@localhost>\r\nDATA\r\n");
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("354 ");
            send(socket, SMUGGLED + ".\r\n");
            assertThat(Transcript.readLine(in)).isEqualTo("550 5.6.0 Message contains bare CR or LF");
            // The session goes on, and a clean chunked message is taken.
            send(socket, "MAIL FROM:<a@client.test>\r\nRCPT TO:<smuggle@localhost>\r\nBDAT 15 LAST\r\nSubject: ok\r\n\r\n");
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("250 2.0.0 Ok: queued as ");
        }
        List<Path> files = server.awaitMessages("smuggle", "localhost", 1, Duration.ofSeconds(10));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.getFirst())).contains("Subject: ok").doesNotContain("forged");
        assertThat(server.newMessages("victim", "localhost")).isEmpty();
    }

    @Test
    void longestPathsTheRfcRequiresAreTakenWithAuthParameter() throws IOException {
        // RFC 5321 §4.5.3.1: a 64-octet local part and a 255-octet domain (a 322-octet path); RFC 4954 §5 AUTH=<>.
        String local = "l".repeat(64);
        String domain = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63);
        try (Socket socket = session()) {
            InputStream in = socket.getInputStream();
            send(socket, "MAIL FROM:<" + local + "@" + domain + "> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=x AUTH=<>\r\n"
                    + "RCPT TO:<" + local + "@localhost> NOTIFY=FAILURE ORCPT=rfc822;" + local + "@localhost\r\n"
                    + "DATA\r\n");
            assertThat(Transcript.readLine(in)).startsWith("250 2.1.0");
            assertThat(Transcript.readLine(in)).startsWith("250 2.1.5");
            assertThat(Transcript.readLine(in)).startsWith("354 ");
            send(socket, "Subject: long\r\n\r\nx\r\n.\r\n");
            assertThat(Transcript.readLine(in)).startsWith("250 2.0.0");
            send(socket, "MAIL FROM:<a@client.test> AUTH=bob+40client.test\r\nRSET\r\n");
            assertThat(Transcript.readLine(in)).startsWith("250 2.1.0");
            assertThat(Transcript.readLine(in)).startsWith("250 ");
        }
        assertThat(server.awaitMessages(local, "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
    }

    @Test
    void aSessionClosedForTooManyErrorsIsLoggedSo() throws IOException {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err
        try (Socket socket = session()) {
            InputStream in = socket.getInputStream();
            send(socket, "FOO\r\n".repeat(11));
            for (int i = 0; i < 10; i++) assertThat(Transcript.readLine(in)).startsWith("500 ");
            assertThat(Transcript.readLine(in)).isEqualTo("421 4.7.0 Too many errors");
            assertThat(Transcript.readLine(in)).isNull();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!captured.toString(StandardCharsets.UTF_8).contains("disconnect reason=") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("disconnect reason=\"421 Too many errors\"")
                .doesNotContain("reason=\"quit\"");
    }

    private static Socket session() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        send(socket, "EHLO client.test\r\n");
        Transcript.readReply(socket.getInputStream()); // greeting
        Transcript.readReply(socket.getInputStream()); // EHLO
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
