package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.delivery.DeliverySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryTest {
    @TempDir
    Path data;

    @Test
    void temporaryDeliveryFailureIsRetriedWithBackOff() throws Exception {
        TestServer server = TestServer.start(data, c -> new TernConfig(c.dataDirectory(), c.server(), c.session(),
                c.directory(), c.spool(), new DeliverySettings(4, Duration.ofMillis(200),
                        Duration.ofSeconds(1), Duration.ofDays(1))));
        try (server) {
            // A plain file where the mailbox directory belongs: every delivery attempt fails, temporarily.
            Path blocker = server.maildir("rita", "localhost");
            Files.createDirectories(blocker.getParent());
            Files.writeString(blocker, "in the way");
            Transcript.run(server.port(), """
                    S: 220 *
                    C: HELO client.test
                    S: 250 *
                    C: MAIL FROM:<a@client.test>
                    S: 250 *
                    C: RCPT TO:<rita@localhost>
                    S: 250 *
                    C: DATA
                    S: 354 *
                    C: Subject: retry
                    C:
                    C: x
                    C: .
                    S: 250 2.0.0 *
                    """);
            // The first attempt runs at once and fails; retries follow after 200 ms, 400 ms, 800 ms, ...
            Thread.sleep(500); // deliberate: let attempts fail against the blocker before clearing the way
            assertThat(Files.isRegularFile(blocker)).isTrue();
            Files.delete(blocker);
            assertThat(server.awaitMessages("rita", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
        }
    }
}
