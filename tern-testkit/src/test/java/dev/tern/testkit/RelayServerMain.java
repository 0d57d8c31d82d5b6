package dev.tern.testkit;

import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.delivery.route.RouteTarget;
import dev.tern.mail.Domain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A relaying server in a process of its own, for {@link RelayCrashTest}: {@code RelayServerMain <dataDirectory>
 * <host:port>} routes mail for {@code far.example} to {@code [host]:port} (no DNS), retries quickly, and prints
 * {@code PORT <n>} with its submission port once it accepts connections. Ends on SIGKILL (a crash), SIGTERM (a
 * clean stop) or when its standard input ends (the test JVM went away).
 */
public final class RelayServerMain {
    private RelayServerMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: RelayServerMain <dataDirectory> <host:port>");
        RouteTarget next = RouteTarget.parse("[" + args[1].substring(0, args[1].lastIndexOf(':')) + "]"
                + args[1].substring(args[1].lastIndexOf(':')));
        TestServer server = TestServer.start(Path.of(args[0]), c -> c
                .withRemote(RemoteSettings.defaults().withRoutes(Map.of(Domain.parse("far.example"), next))
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5))
                        .withDownFor(Duration.ofMillis(100)))
                .withDelivery(new DeliverySettings(16, Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofDays(5))));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "relay-server-stop"));
        System.out.println("PORT " + server.submissionPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing is sent on stdin; reading only waits for the test JVM to go away.
        }
        System.exit(0);
    }
}
