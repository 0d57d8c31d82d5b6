package dev.tern.testkit;

import dev.tern.app.TernConfig;
import dev.tern.delivery.DeliverySettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole server in a process of its own, for {@link CrashRecoveryTest}: {@code CrashServerMain <dataDirectory>}
 * listens on 127.0.0.1 with an ephemeral port and prints {@code PORT <n>} on stdout once it accepts connections.
 *
 * <p>The test ends it with SIGKILL (a crash) or SIGTERM (a clean stop: the shutdown hook closes the server).
 * When its standard input ends, which happens when the test JVM dies, it stops too, so no server outlives
 * an aborted build.
 */
public final class CrashServerMain {
    private CrashServerMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: CrashServerMain <dataDirectory>");
        TestServer server = TestServer.start(Path.of(args[0]), CrashServerMain::quickRetries);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "crash-server-stop"));
        System.out.println("PORT " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing is sent on stdin; reading only waits for the test JVM to go away.
        }
        System.exit(0);
    }

    /**
     * Default settings, but a temporary delivery failure is retried within a second or two, not a minute, so that
     * the test's wait for the queue to drain stays short (a delivery interrupted by a kill can fail once after a
     * quick restart, see the crash test's report). The spool keeps fsync on: it is what is under test.
     */
    private static TernConfig quickRetries(TernConfig config) {
        DeliverySettings d = config.delivery();
        var delivery = new DeliverySettings(d.concurrency(), Duration.ofMillis(500), Duration.ofSeconds(2),
                d.maxQueueTime());
        return new TernConfig(config.dataDirectory(), config.server(), config.session(), config.directory(),
                config.spool(), delivery);
    }
}
