package dev.tern.app.control;

import dev.tern.testbase.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
    @TempDir
    Path data;

    private final MemoryQueueControl queue = new MemoryQueueControl()
            .add(QueueShapeTest.entry("AAA1", Duration.ofMinutes(3), QueueShapeTest.pending("bob@remote.example")))
            .add(QueueShapeTest.entry("BBB2", Duration.ofHours(3), QueueShapeTest.pending("carol@other.example"),
                    QueueShapeTest.done("dave@localhost")));

    private String out = "";
    private String err = "";

    private int tern(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(new PrintWriter(o), new PrintWriter(e), args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    private ControlServer start() throws IOException {
        return ControlServer.start(data, queue, Clock.systemUTC());
    }

    /** Sends {@code request} as raw bytes and returns every line of the answer. */
    private List<String> raw(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(ControlServer.socketPath(data)))) {
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput(); // nothing more: a request without its LF ends here, not at the deadline
            var reader = new LineReader(Channels.newInputStream(channel), 1 << 20);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                if (!(reader.next() instanceof LineReader.Line.Text t)) break;
                lines.add(t.text());
            }
            return lines;
        }
    }

    @Test
    void socketIsOnlyTheOwnersAndGoesAwayOnClose() throws IOException {
        Path socket = ControlServer.socketPath(data);
        try (ControlServer server = start()) {
            assertThat(server.socket()).isEqualTo(socket);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class).isOther()).isTrue(); // a socket, not a regular file
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void aWiderDirectoryLeftBehindIsMadePrivateAgain() throws IOException {
        Path directory = ControlServer.socketPath(data).getParent();
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (ControlServer server = start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        }
    }

    @Test
    void aStaleSocketFromACrashIsReplaced() throws IOException {
        Path socket = ControlServer.socketPath(data);
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket)); // closing it leaves the file, as a crash does
        }
        assertThat(socket).exists();
        assertThat(tern("queue", "list", "--data", data.toString())).isEqualTo(75);
        try (ControlServer server = start()) {
            assertThat(raw("list\n")).last().asString().startsWith("{\"end\":\"ok\"");
        }
    }

    @Test
    void aSocketALiveServerAnswersOnIsNotTakenOver() throws IOException {
        try (ControlServer first = start()) {
            assertThatThrownBy(this::start).isInstanceOf(IOException.class).hasMessageContaining("already answers");
            assertThat(raw("list\n")).last().asString().startsWith("{\"end\":\"ok\"");
        }
    }

    @Test
    void noServerMeansExitTempfail() {
        assertThat(tern("queue", "list", "--data", data.toString())).isEqualTo(75);
        assertThat(err).contains("not running");
        assertThat(tern("queue", "flush", "--data", data.toString())).isEqualTo(75);
    }

    @Test
    void listIsMailqLikeAndJsonLinesForScripts() throws IOException {
        try (ControlServer server = start()) {
            assertThat(tern("queue", "list", "--data", data.toString())).isZero();
            assertThat(out).startsWith("-Queue ID-").contains("AAA1", "BBB2", "bob@remote.example  pending",
                    "(4.4.0 not yet)", "dave@localhost  delivered").endsWith("-- 2 Kbytes in 2 Requests." + System.lineSeparator());
            assertThat(tern("queue", "list", "--json", "--data", data.toString())).isZero();
            List<JsonValue.Obj> lines = out.lines().map(l -> (JsonValue.Obj) Json.parse(l).orElseThrow()).toList();
            assertThat(lines).extracting(l -> l.string("queue_id")).containsExactly("AAA1", "BBB2");
            assertThat(lines.get(1).objects("recipients")).extracting(r -> r.string("status"))
                    .containsExactly("pending", "delivered");
        }
    }

    @Test
    void showSummaryAndActionsGoThroughTheControl() throws IOException {
        try (ControlServer server = start()) {
            String dir = data.toString();
            assertThat(tern("queue", "show", "BBB2", "--data", dir)).isZero();
            assertThat(out).contains("Queue ID:     BBB2", "Sender:       <sender@client.test>", "carol@other.example  pending");
            assertThat(tern("queue", "show", "NOPE", "--data", dir)).isEqualTo(1);
            assertThat(err).contains("no queued message NOPE");
            assertThat(tern("queue", "summary", "--data", dir)).isZero();
            assertThat(out.lines().toList()).hasSize(4).element(1).asString().contains("TOTAL", "2");
            assertThat(tern("queue", "flush", "--domain", "Remote.Example", "--data", dir)).isZero();
            assertThat(out).isEqualTo("flushed 1 message" + System.lineSeparator());
            assertThat(queue.flushes).containsExactly(new FlushTarget.ToDomain(dev.tern.mail.Domain.parse("remote.example")));
            assertThat(tern("queue", "hold", "AAA1", "--data", dir)).isZero();
            assertThat(tern("queue", "list", "--data", dir)).isZero();
            assertThat(out).contains("AAA1!  ");
            assertThat(tern("queue", "bounce", "AAA1", "--json", "--data", dir)).isEqualTo(1);
            assertThat(err).contains("not supported");
            assertThat(tern("queue", "flush", "AAA1", "--domain", "x.example", "--data", dir)).isEqualTo(2);
        }
    }

    @Test
    void malformedAndOverlongRequestsAreAnsweredWithAnError() throws IOException {
        try (ControlServer server = start()) {
            assertThat(raw("purge everything\n")).containsExactly(
                    "{\"end\":\"error\",\"error\":\"bad_request\",\"message\":\"unknown request\"}");
            assertThat(raw("show " + "A".repeat(ControlServer.MAX_REQUEST) + "\n")).containsExactly(
                    "{\"end\":\"error\",\"error\":\"bad_request\",\"message\":\"request line too long\"}");
            assertThat(raw("show \u00e9\r\n")).containsExactly(
                    "{\"end\":\"error\",\"error\":\"bad_request\",\"message\":\"invalid queue id\"}");
            assertThat(raw("")).isEmpty(); // asked nothing, told nothing
        }
    }

    @Test
    void clientsBeyondTheLimitWaitForAFreeSlot() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(ControlServer.socketPath(data));
        List<SocketChannel> silent = new ArrayList<>();
        try (ControlServer server = start()) {
            for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) silent.add(SocketChannel.open(address));
            try (SocketChannel waiting = SocketChannel.open(address)) { // in the backlog: connected, not served
                waiting.write(ByteBuffer.wrap("list\n".getBytes(StandardCharsets.US_ASCII)));
                silent.removeFirst().close(); // frees a slot
                var reader = new LineReader(Channels.newInputStream(waiting), 1 << 20);
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 10 && reader.next() instanceof LineReader.Line.Text t; i++) lines.add(t.text());
                assertThat(lines).last().asString().startsWith("{\"end\":\"ok\"");
            }
        } finally {
            for (SocketChannel channel : silent) channel.close();
        }
    }

    /** A client running as user nobody (through setpriv, so only as root), written in Python. */
    private static String asNobody(Path socket) throws Exception {
        String script = """
                import socket, sys
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(sys.argv[1])
                except OSError as e:
                    print(e.strerror); sys.exit(0)
                s.sendall(b"list\\n")
                print(s.makefile().read().strip())
                """;
        Process process = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/python3", "-c", script, socket.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return output;
    }

    @Test
    void anotherUserIsKeptOutByTheModesAndThenByItsPeerCredentials() throws Exception {
        boolean root = Files.getOwner(Files.createFile(data.resolve("probe"))).getName().equals("root");
        // CI runs as root, with util-linux's setpriv and python3 (.ci/run): there this must run, not skip.
        RequiredTool.require(root && Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "root, setpriv and python3, to run a client as another user");
        try (ControlServer server = start()) {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertThat(asNobody(server.socket())).isEqualTo("Permission denied");
            // Even with the modes opened wide, the server checks who is asking.
            Files.setPosixFilePermissions(server.socket().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(server.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
            assertThat(asNobody(server.socket())).contains("\"end\":\"error\",\"error\":\"forbidden\"");
        }
    }

    @Test
    void onlyTheOwnUserAndRootAreAllowed() throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal root = users.lookupPrincipalByName("root");
        UserPrincipal nobody = users.lookupPrincipalByName("nobody");
        UserPrincipal self = Files.getOwner(Files.createFile(data.resolve("mine")));
        assertThat(ControlServer.allowed(self, self, Optional.of(root))).isTrue();
        assertThat(ControlServer.allowed(root, nobody, Optional.of(root))).isTrue();
        assertThat(ControlServer.allowed(nobody, root, Optional.of(root))).isFalse();
        assertThat(ControlServer.allowed(root, nobody, Optional.empty())).isFalse();
    }
}
