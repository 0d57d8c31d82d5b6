package dev.tern.app.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.Main;
import dev.tern.app.QueueFill;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.mail.Domain;
import java.util.Set;
import dev.tern.delivery.QueueRunner;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectorySettings;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import dev.tern.store.MaildirSettings;
import dev.tern.store.MaildirStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern queue list --json} over a real spool of 10,000 queued messages, against a generous bound
 * (issue 7 asks for 100,000 in 2 s; docs/queue.md says how that is measured). The timed run is the CLI as its
 * own process, JVM start included, as an operator runs it; the server has answered one listing before, as a
 * running server has.
 */
class QueueListingSpeedTest {
    /** {@code -Dtern.queue.listing.messages=100000} measures the figure. */
    private static final int MESSAGES = Integer.getInteger("tern.queue.listing.messages", 10_000);
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path data;

    @Test
    void tenThousandMessagesAreListedInBoundedTime() throws Exception {
        try (Spool spool = Spool.open(data.resolve("spool"), new SpoolSettings(false))) {
            QueueFill.fill(spool, MESSAGES, 0);
            // Not started: nothing is delivered, nothing looked up.
            var runner = QueueRunner.open(DeliverySettings.defaults(), RemoteSettings.defaults(), spool,
                    new Directory(DirectorySettings.defaults()), new MaildirStore(MaildirSettings.of(data.resolve("mail"))),
                    Domain.parse("localhost"), Set.of(), Clock.systemUTC());
            try (ControlServer server = ControlServer.start(data, new SpoolQueueControl(spool, runner), Clock.systemUTC())) {
                assertThat(list().lines().count()).isEqualTo(MESSAGES); // in process; warms the server side
                Path listing = data.resolve("listing.jsonl");
                Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                        "queue", "list", "--json", "--data", data.toString())
                        .redirectOutput(listing.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                long start = System.nanoTime();
                assertThat(cli.waitFor(BOUND.toSeconds() * 3, TimeUnit.SECONDS)).isTrue();
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.printf("tern queue list --json: %d messages in %d ms, JVM start included%n", MESSAGES,
                        took.toMillis());
                assertThat(cli.exitValue()).isZero();
                try (var lines = Files.lines(listing)) {
                    assertThat(lines.count()).isEqualTo(MESSAGES);
                }
                assertThat(took).as("listing %d messages took %s", MESSAGES, took).isLessThan(BOUND);
            }
        }
    }

    private String list() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "queue", "list", "--json", "--data", data.toString());
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }
}
