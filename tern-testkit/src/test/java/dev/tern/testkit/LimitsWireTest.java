package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.smtp.SessionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

/** Every limit is enforced on the wire with its RFC reply, and the session survives where it should. */
class LimitsWireTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(data, c -> {
            SessionSettings s = c.session();
            SessionSettings small = new SessionSettings(s.hostname(), 64 * 1024, 100, 3, 10, 5, false, false);
            return new TernConfig(c.dataDirectory(), c.server(), small, c.directory(), c.spool(), c.delivery());
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A session after EHLO and MAIL FROM; returns its socket. */
    private static Socket transaction(String... rcpts) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        StringBuilder commands = new StringBuilder("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\n");
        for (String rcpt : rcpts) commands.append("RCPT TO:<").append(rcpt).append(">\r\n");
        socket.getOutputStream().write(commands.toString().getBytes(StandardCharsets.UTF_8));
        InputStream in = socket.getInputStream();
        Transcript.readReply(in); // greeting
        Transcript.readReply(in); // EHLO
        assertThat(Transcript.readLine(in)).startsWith("250 ");
        for (int i = 0; i < rcpts.length; i++) Transcript.readLine(in);
        return socket;
    }

    private static String data(Socket socket, String content) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write("DATA\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(Transcript.readLine(in)).startsWith("354 ");
        out.write(content.getBytes(StandardCharsets.UTF_8));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return Transcript.readLine(in);
    }

    @Test
    void declaredSizeOverTheLimitIsRefusedAtMail() {
        // RFC 1870 §6.1: SIZE= above the server's fixed maximum gets 552 5.3.4.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: 250-*
                S: 250-SIZE 65536
                S: 250-*
                S: 250-*
                S: 250-*
                S: 250-*
                S: 250-*
                S: 250-*
                S: 250-STARTTLS
                S: 250 *
                C: MAIL FROM:<a@client.test> SIZE=70000
                S: 552 5.3.4 *
                C: MAIL FROM:<a@client.test> SIZE=1000
                S: 250 *
                """);
    }

    @Test
    void contentOverTheLimitIsRefusedAfterDataAndNothingIsDelivered() throws IOException {
        try (Socket socket = transaction("big@localhost")) {
            String reply = data(socket, "Subject: big\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(80));
            assertThat(reply).startsWith("552 5.3.4");
        }
        assertThat(server.awaitMessages("big", "localhost", 1, Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void tooLongTextLineIsRefused() throws IOException {
        // RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with its CRLF.
        try (Socket socket = transaction("longline@localhost")) {
            assertThat(data(socket, "Subject: long\r\n\r\n" + "y".repeat(1200) + "\r\n")).matches("5\\d\\d 5\\..*");
        }
        assertThat(server.awaitMessages("longline", "localhost", 1, Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void loopingMessageIsRefused() throws IOException {
        // RFC 5321 §6.3: too many Received: headers means a loop: 554 5.4.6.
        try (Socket socket = transaction("loop@localhost")) {
            String received = "Received: from a by b; Sun, 29 Nov 2026 10:00:00 +0000\r\n".repeat(6);
            assertThat(data(socket, received + "Subject: loop\r\n\r\nx\r\n")).startsWith("554 5.4.6");
        }
        assertThat(server.awaitMessages("loop", "localhost", 1, Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void oversizedHeaderSectionIsRefused() throws IOException {
        // The header section is limited (256 KiB by default) apart from the message size.
        try (Socket socket = transaction("header@localhost")) {
            String header = ("X-Filler: " + "h".repeat(900) + "\r\n").repeat(300);
            assertThat(data(socket, header + "\r\nbody\r\n")).startsWith("552 5.3.4");
        }
        assertThat(server.awaitMessages("header", "localhost", 1, Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void recipientsBeyondTheLimitAreDeferred() throws IOException {
        // RFC 5321 §4.5.3.1.10: 452 4.5.3 for too many recipients; the accepted ones stay valid.
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            StringBuilder commands = new StringBuilder("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\n");
            for (int i = 0; i < 101; i++) commands.append("RCPT TO:<r").append(i).append("@localhost>\r\n");
            socket.getOutputStream().write(commands.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            Transcript.readReply(in);
            Transcript.readReply(in);
            Transcript.readLine(in);
            for (int i = 0; i < 100; i++) assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("452 4.5.3");
        }
    }

    @Test
    void messagesPerSessionAreLimited() throws IOException {
        try (Socket socket = transaction("many@localhost")) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            assertThat(data(socket, "Subject: 1\r\n\r\nx\r\n")).startsWith("250 ");
            for (int i = 2; i <= 3; i++) {
                out.write("MAIL FROM:<a@client.test>\r\nRCPT TO:<many@localhost>\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(Transcript.readLine(in)).startsWith("250 ");
                assertThat(Transcript.readLine(in)).startsWith("250 ");
                assertThat(data(socket, "Subject: " + i + "\r\n\r\nx\r\n")).startsWith("250 ");
            }
            // The MAIL over the limit is refused with a 4yz, and a pipelined batch is answered in full: the
            // connection stays open until the client quits and reconnects (not a 421 mid-batch).
            out.write("MAIL FROM:<a@client.test>\r\nRCPT TO:<many@localhost>\r\nDATA\r\nQUIT\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(Transcript.readLine(in)).isEqualTo("451 4.7.0 Too many messages in this session, reconnect to send more");
            assertThat(Transcript.readLine(in)).startsWith("503 5.5.1");
            assertThat(Transcript.readLine(in)).startsWith("503 5.5.1");
            assertThat(Transcript.readLine(in)).startsWith("221 ");
        }
        assertThat(server.awaitMessages("many", "localhost", 3, Duration.ofSeconds(10))).hasSize(3);
    }

    @Test
    void utf8AddressesNeedSmtputf8AndThenDeliver() throws IOException {
        // RFC 6531 §3.4: UTF-8 in a mailbox only with SMTPUTF8 on MAIL FROM.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: <250 reply>
                C: MAIL FROM:<a@client.test>
                S: 250 *
                C: RCPT TO:<jürgen@localhost>
                S: 553 5.6.7 *
                C: RSET
                S: 250 *
                C: MAIL FROM:<a@client.test> SMTPUTF8
                S: 250 *
                C: RCPT TO:<jürgen@localhost>
                S: 250 *
                C: DATA
                S: 354 *
                C: Subject: Grüße
                C:
                C: ü
                C: .
                S: 250 2.0.0 *
                """);
        List<Path> files = server.awaitMessages("j%C3%BCrgen", "localhost", 1, Duration.ofSeconds(10));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.getFirst())).contains("with UTF8SMTP").contains("Subject: Grüße");
    }
}
