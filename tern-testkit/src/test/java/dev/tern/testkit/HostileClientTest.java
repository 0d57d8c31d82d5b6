package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.server.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that misbehave get a clear reply or a close, never a crash or a stuck thread. */
class HostileClientTest {
    @TempDir
    Path data;

    private static TernConfig withServer(TernConfig c, ServerSettings s) {
        return new TernConfig(c.dataDirectory(), s, c.session(), c.directory(), c.spool(), c.delivery());
    }

    private static ServerSettings limits(ServerSettings s, int maxConnections, int perIp, List<String> exempt,
                                         Duration idle, Duration session) {
        return s.withMaxConnections(maxConnections).withMaxConnectionsPerIp(perIp).withExemptNetworks(exempt)
                .withIdleTimeout(idle).withSessionTimeout(session);
    }

    private static Socket connect(TestServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads replies until the server closes; all lines read. */
    private static List<String> readUntilClosed(Socket socket) throws IOException {
        List<String> lines = new ArrayList<>();
        InputStream in = socket.getInputStream();
        String line;
        while ((line = Transcript.readLine(in)) != null) lines.add(line);
        return lines;
    }

    @Test
    void httpRequestGetsErrorsAndThenAClose() throws IOException {
        try (TestServer server = TestServer.start(data); Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: y\r\nAccept: */*\r\n\r\n".repeat(4));
            List<String> lines = readUntilClosed(socket);
            assertThat(lines.getFirst()).startsWith("220 ");
            assertThat(lines.getLast()).startsWith("421 4.7.0");
            assertThat(lines.subList(1, lines.size() - 1)).allSatisfy(l -> assertThat(l).matches("5\\d\\d 5\\.\\d\\.\\d .*"));
        }
    }

    @Test
    void binaryGarbageAndNulBytesAreSyntaxErrors() throws IOException {
        try (TestServer server = TestServer.start(data); Socket socket = connect(server)) {
            InputStream in = socket.getInputStream();
            assertThat(Transcript.readLine(in)).startsWith("220 ");
            socket.getOutputStream().write(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 'X', 0, '\r', '\n'});
            assertThat(Transcript.readLine(in)).startsWith("500 5.5.");
            send(socket, "NOOP\r\n");
            assertThat(Transcript.readLine(in)).startsWith("250 2.0.0");
        }
    }

    @Test
    void clientSpeakingBeforeTheGreetingIsAnsweredInOrder() throws IOException {
        try (TestServer server = TestServer.start(data); Socket socket = connect(server)) {
            send(socket, "HELO early.test\r\nQUIT\r\n");
            List<String> lines = readUntilClosed(socket);
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("220 ");
            assertThat(lines.get(1)).startsWith("250 ");
            assertThat(lines.get(2)).startsWith("221 ");
        }
    }

    @Test
    void tricklingClientIsCutOffAtTheSessionLimitWhileOthersAreServed() throws Exception {
        try (TestServer server = TestServer.start(data, c -> withServer(c, limits(c.server(), 100, 50,
                List.of("127.0.0.0/8"), Duration.ofSeconds(1), Duration.ofSeconds(2))));
             Socket slow = connect(server)) {
            InputStream in = slow.getInputStream();
            assertThat(Transcript.readLine(in)).startsWith("220 ");
            long started = System.nanoTime();
            Thread trickler = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        send(slow, "N");
                        Thread.sleep(200); // the trickle itself: one byte every 200 ms, under the idle limit
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection: expected
                }
            });
            // Meanwhile another client is served.
            Transcript.run(server.port(), """
                    S: 220 *
                    C: NOOP
                    S: 250 2.0.0 *
                    C: QUIT
                    S: 221 *
                    """);
            List<String> lines = readUntilClosed(slow);
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("421 4.4.2"));
            assertThat(seconds).isLessThan(6);
            trickler.interrupt();
        }
    }

    @Test
    void idleClientIsClosedWithA421() throws IOException {
        try (TestServer server = TestServer.start(data, c -> withServer(c, limits(c.server(), 100, 50,
                List.of("127.0.0.0/8"), Duration.ofMillis(500), Duration.ofMinutes(1))));
             Socket socket = connect(server)) {
            List<String> lines = readUntilClosed(socket);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).startsWith("421 4.4.2");
        }
    }

    @Test
    void connectionsPerAddressAreLimited() throws IOException {
        try (TestServer server = TestServer.start(data, c -> withServer(c, limits(c.server(), 100, 2, List.of(),
                Duration.ofMinutes(1), Duration.ofMinutes(1))));
             Socket first = connect(server); Socket second = connect(server)) {
            // Each connection is admitted on its own thread: read the greetings first so the order is certain.
            assertThat(Transcript.readLine(first.getInputStream())).startsWith("220 ");
            assertThat(Transcript.readLine(second.getInputStream())).startsWith("220 ");
            try (Socket third = connect(server)) {
                assertThat(readUntilClosed(third)).singleElement().asString().startsWith("421 4.7.0");
            }
        }
    }

    @Test
    void connectionsInTotalAreLimited() throws IOException {
        try (TestServer server = TestServer.start(data, c -> withServer(c, limits(c.server(), 1, 50,
                List.of("127.0.0.0/8"), Duration.ofMinutes(1), Duration.ofMinutes(1))));
             Socket first = connect(server)) {
            assertThat(Transcript.readLine(first.getInputStream())).startsWith("220 ");
            try (Socket second = connect(server)) {
                assertThat(readUntilClosed(second)).singleElement().asString().startsWith("421 4.7.0");
            }
        }
    }

    @Test
    void bareLineFeedsCannotSmuggleASecondMessage() throws IOException {
        // SMTP smuggling: only <CRLF>.<CRLF> ends DATA (RFC 5321 §4.1.1.4), so "\n.\n" followed by commands
        // stays inside the first message, which is then refused as a whole for its bare LFs.
        try (TestServer server = TestServer.start(data); Socket socket = connect(server)) {
            send(socket, "EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<ivan@localhost>\r\nDATA\r\n");
            InputStream in = socket.getInputStream();
            assertThat(Transcript.readLine(in)).startsWith("220 ");
            Transcript.readReply(in);
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("250 ");
            assertThat(Transcript.readLine(in)).startsWith("354 ");
            send(socket, "Subject: one\r\n\r\nbody\n.\nMAIL FROM:<evil@client.test>\r\nRCPT TO:<ivan@localhost>\r\n"
                    + "DATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\nQUIT\r\n");
            List<String> rest = readUntilClosed(socket);
            assertThat(rest).hasSize(2);
            assertThat(rest.get(0)).startsWith("550 5.6.0");
            assertThat(rest.get(1)).startsWith("221 ");
        }
        try (TestServer server = TestServer.start(data)) {
            assertThat(server.awaitMessages("ivan", "localhost", 1, Duration.ofMillis(500))).isEmpty();
        }
    }
}
