package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.Main;
import dev.tern.app.TernConfig;
import dev.tern.app.control.ControlServer;
import dev.tern.app.control.Json;
import dev.tern.app.control.JsonValue;
import dev.tern.auth.AccountStore;
import dev.tern.delivery.DeliverySettings;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code tern queue} command against a running server with real queued mail: submissions to domains
 * that are not delivered to (yet) stay queued, retried only after an hour unless flushed.
 */
class QueueCommandWireTest {
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path data;

    private String out = "";
    private String err = "";

    private int tern(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--data", data.toString()))
                .toArray(String[]::new);
        int code = Main.run(new PrintWriter(o), new PrintWriter(e), all);
        out = o.toString();
        err = e.toString();
        return code;
    }

    private TestServer start() {
        return TestServer.start(data, c -> new TernConfig(c.dataDirectory(), c.server(), c.session(), c.directory(),
                c.spool(), new DeliverySettings(4, Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(5))));
    }

    /** Submits one message from alice@localhost to {@code recipients}; returns its queue id. */
    static String submit(TestServer server, String... recipients) throws Exception {
        String[] rcpts = java.util.Arrays.stream(recipients).map(r -> "RCPT TO:<" + r + ">").toArray(String[]::new);
        return submitWith(server, "MAIL FROM:<alice@localhost>", rcpts);
    }

    /**
     * Submits one message as alice@localhost over submission (STARTTLS, AUTH PLAIN) with these MAIL and RCPT
     * lines, so tests can give DSN parameters; returns its queue id.
     */
    static String submitWith(TestServer server, String mail, String... rcpts) throws Exception {
        try (var client = new StartTlsWireTest.Client(server.submissionPort())) {
            client.reply();
            client.ask("EHLO client.test");
            assertThat(client.ask("STARTTLS")).startsWith("220 2.0.0");
            client.startTls();
            client.ask("EHLO client.test");
            assertThat(client.ask("AUTH PLAIN " + StartTlsWireTest.base64("\0alice@localhost\0" + PASSWORD)))
                    .startsWith("235");
            assertThat(client.ask(mail)).startsWith("250");
            for (String rcpt : rcpts) assertThat(client.ask(rcpt)).startsWith("250");
            assertThat(client.ask("DATA")).startsWith("354");
            String reply = client.ask("Subject: queued\r\n\r\nwaiting for outbound delivery\r\n.");
            assertThat(reply).startsWith("250 2.0.0");
            return reply.replaceAll("(?s).*queued as ([A-Z0-9]+).*", "$1").trim();
        }
    }

    /** The listing as JSON objects, one per message. */
    private List<JsonValue.Obj> listing() {
        assertThat(tern("queue", "list", "--json")).as(err).isZero();
        return out.lines().map(QueueCommandWireTest::object).toList();
    }

    private static JsonValue.Obj object(String line) {
        return (JsonValue.Obj) Json.parse(line).orElseThrow(() -> new AssertionError("not JSON: " + line));
    }

    /** Polls the listing, bounded, until {@code until} holds. */
    private List<JsonValue.Obj> awaitListing(Predicate<List<JsonValue.Obj>> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<JsonValue.Obj> listing = listing();
        while (!until.test(listing) && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling the server's queue with a deadline; there is no event to await
            listing = listing();
        }
        return listing;
    }

    @Test
    void listShowSummaryAndFlushSeeTheQueuedMail() throws Exception {
        AccountStore.open(data).add("alice@localhost", PASSWORD);
        try (TestServer server = start()) {
            String first = submit(server, "carol@remote.example", "bob@localhost");
            String second = submit(server, "dave@other.example");
            // Each gets its first attempt at once: local copies made, the remote recipients deferred for an hour.
            List<JsonValue.Obj> queued = awaitListing(l -> l.size() == 2 && l.stream().allMatch(m -> m.number("attempts") == 1));
            assertThat(queued).extracting(m -> m.string("queue_id")).containsExactly(first, second);
            JsonValue.Obj one = queued.getFirst();
            assertThat(one.string("sender")).isEqualTo("alice@localhost");
            assertThat(one.number("message_size")).isPositive();
            assertThat(one.objects("recipients")).extracting(r -> r.string("address") + " " + r.string("status"))
                    .containsExactly("carol@remote.example pending", "bob@localhost delivered");
            assertThat(one.objects("recipients").getFirst().string("diagnostic")).startsWith("4.");

            assertThat(tern("queue", "list")).isZero();
            assertThat(out).startsWith("-Queue ID-").contains(first, second, "alice@localhost",
                    "carol@remote.example  pending", "bob@localhost  delivered", "dave@other.example  pending")
                    .contains("Kbytes in 2 Requests.");

            assertThat(tern("queue", "show", first)).isZero();
            assertThat(out).contains("Queue ID:     " + first, "Sender:       <alice@localhost>", "Attempts:     1",
                    "Next attempt:", "carol@remote.example  pending");
            assertThat(tern("queue", "show", first, "--json")).isZero();
            assertThat(object(out.strip()).number("next_attempt")).isGreaterThan(object(out.strip()).number("arrival_time"));

            assertThat(tern("queue", "summary")).isZero();
            assertThat(out.lines().toList()).hasSize(4);
            assertThat(out).containsPattern("TOTAL +2 +2 +0").containsPattern("remote.example +1 +1")
                    .containsPattern("other.example +1 +1").doesNotContain("localhost ");
            assertThat(tern("queue", "summary", "--json")).isZero();
            assertThat(object(out.strip()).object("total").orElseThrow().number("messages")).isEqualTo(2);

            // Flush one domain: only the message with a recipient there is attempted again, now, not in an hour.
            assertThat(tern("queue", "flush", "--domain", "other.example")).isZero();
            assertThat(out.strip()).isEqualTo("flushed 1 message");
            List<JsonValue.Obj> flushed = awaitListing(l -> l.size() == 2 && l.get(1).number("attempts") == 2);
            assertThat(flushed).extracting(m -> m.number("attempts")).containsExactly(1L, 2L);
            assertThat(tern("queue", "flush", first, "--json")).isZero();
            assertThat(object(out.strip()).number("messages")).isEqualTo(1);
            assertThat(awaitListing(l -> l.getFirst().number("attempts") == 2)).extracting(m -> m.number("attempts"))
                    .containsExactly(2L, 2L);
            assertThat(tern("queue", "flush")).isZero();
            assertThat(out.strip()).isEqualTo("flushed 2 messages");
            assertThat(tern("queue", "flush", "NOSUCHID0")).isEqualTo(1);
            assertThat(err).contains("no queued message NOSUCHID0");
        }
    }

    @Test
    void holdSurvivesARestartReleaseFlushesAndDeleteRemoves() throws Exception {
        AccountStore.open(data).add("alice@localhost", PASSWORD);
        String id;
        try (TestServer server = start()) {
            id = submit(server, "carol@remote.example");
            assertThat(tern("queue", "hold", id)).as(err).isZero();
            assertThat(listing().getFirst().bool("held")).isTrue();
        }
        try (TestServer server = start()) {
            // Durable: still held after a restart, and not tried (attempts stay at the first one).
            assertThat(listing().getFirst().bool("held")).isTrue();
            assertThat(tern("queue", "release", id)).as(err).isZero();
            List<JsonValue.Obj> released = awaitListing(l -> !l.getFirst().bool("held") && l.getFirst().number("attempts") >= 2);
            assertThat(released).hasSize(1);
            assertThat(tern("queue", "delete", id)).as(err).isZero();
            assertThat(listing()).isEmpty();
            assertThat(tern("queue", "hold", id)).isEqualTo(1);
            assertThat(err).contains("no queued message " + id);
        }
    }

    @Test
    void bounceFailsTheRecipientsAndTellsTheSender() throws Exception {
        AccountStore.open(data).add("alice@localhost", PASSWORD);
        try (TestServer server = start()) {
            String id = submit(server, "carol@remote.example");
            // The first attempt may be under way (DNS to a closed port): the CLI then says to try again, as here.
            int code = tern("queue", "bounce", id);
            for (int i = 0; i < 100 && code != 0 && err.contains("is being delivered; try again"); i++) {
                Thread.sleep(100);
                code = tern("queue", "bounce", id);
            }
            assertThat(code).as(err).isZero();
            // The DSN goes to alice@localhost, a local mailbox.
            var dsn = server.awaitMessages("alice", "localhost", 1, Duration.ofSeconds(10));
            assertThat(dsn).hasSize(1);
            assertThat(Files.readString(dsn.getFirst())).contains("report-type=delivery-status")
                    .contains("Final-Recipient: rfc822;carol@remote.example").contains("Action: failed");
            assertThat(awaitListing(List::isEmpty)).isEmpty();
        }
    }

    @Test
    void theSocketIsTheOwnersOnlyAndAStaleOneIsReplacedAtStart() throws Exception {
        AccountStore.open(data).add("alice@localhost", PASSWORD);
        Path socket = ControlServer.socketPath(data);
        String id;
        try (TestServer server = start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                    .isEqualTo("rwx------");
            id = submit(server, "carol@remote.example");
        }
        assertThat(socket).doesNotExist();
        assertThat(tern("queue", "list")).isEqualTo(75);
        assertThat(err).contains("not running");

        // What a kill -9 leaves: the socket file with nobody listening.
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        assertThat(tern("queue", "show", id)).isEqualTo(75);
        try (TestServer server = start()) {
            assertThat(listing()).extracting(m -> m.string("queue_id")).containsExactly(id); // the restart kept it
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        }
    }

    @Test
    void jsonOutputIsReadByPython() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        RequiredTool.requireExecutable(python, "python3");
        AccountStore.open(data).add("alice@localhost", PASSWORD);
        try (TestServer server = start()) {
            String id = submit(server, "\"odd \\\\ one\"@remote.example", "carol@remote.example");
            awaitListing(l -> l.size() == 1 && l.getFirst().number("attempts") == 1);
            assertThat(tern("queue", "list", "--json")).isZero();
            String list = out;
            assertThat(tern("queue", "show", id, "--json")).isZero();
            String show = out;
            assertThat(tern("queue", "summary", "--json")).isZero();
            String summary = out;
            String script = """
                    import json, sys
                    lines = [json.loads(l) for l in sys.stdin.read().splitlines()]
                    m, s, q = lines
                    print(m["queue_id"] == s["queue_id"], [r["address"] for r in s["recipients"]], q["total"]["messages"])
                    """;
            Process process = new ProcessBuilder(python.toString(), "-c", script).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((list + show + summary).getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(output.strip()).isEqualTo("True ['\"odd \\\\\\\\ one\"@remote.example', 'carol@remote.example'] 1");
        }
    }
}
