package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 5321 §4.5.1: mail for postmaster reaches whoever reads the postmaster's mail. A bare {@code <postmaster>}
 * (§4.1.1.3, any case) names the server's own hostname, which has no mailboxes of its own: it must land with
 * the configured postmaster, not in a {@code mail/<hostname>/postmaster} that nobody can read.
 */
class PostmasterWireTest {
    private static final String HOSTNAME = "mx.example.test";

    @TempDir
    Path data;

    private static final String TRANSACTION = """
            S: 220 *
            C: EHLO client.test
            S: <250 reply>
            C: MAIL FROM:<sender@client.test>
            S: 250 *
            C: RCPT TO:<postmaster>
            S: 250 *
            C: RCPT TO:<PostMaster@MX.example.test>
            S: 250 *
            C: DATA
            S: 354 *
            C: Subject: for the postmaster
            C:
            C: hi
            C: .
            S: 250 2.0.0 *
            C: MAIL FROM:<sender@client.test>
            S: 250 *
            C: RCPT TO:<POSTMASTER>
            S: 250 *
            C: DATA
            S: 354 *
            C: Subject: again
            C:
            C: hi
            C: .
            S: 250 2.0.0 *
            C: QUIT
            S: 221 *
            """;

    @Test
    void barePostmasterReachesTheConfiguredPostmasterAlias() {
        ConfigResult result = ConfigLoader.parse("""
                hostname: %s
                domains: [example.test, example.org]
                users: [alice@example.test]
                aliases:
                  postmaster@example.test: [alice@example.test]
                """.formatted(HOSTNAME));
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        TernConfig file = ((ConfigResult.Loaded) result).config();
        try (TestServer server = start(c -> new TernConfig(c.dataDirectory(), c.server(), file.session(),
                file.directory(), c.spool(), c.delivery()))) {
            Transcript.run(server.port(), TRANSACTION);
            // Two recipients of the first message are one mailbox: one copy each per message (RCPT index).
            assertThat(server.awaitMessages("alice", "example.test", 3, Duration.ofSeconds(10))).hasSize(3);
            assertThat(server.maildir("postmaster", HOSTNAME)).doesNotExist();
            assertThat(server.maildir("postmaster", "example.test")).doesNotExist();
        }
    }

    @Test
    void barePostmasterReachesTheDefaultDomainsPostmasterWithoutConfig() {
        try (TestServer server = start(c -> new TernConfig(c.dataDirectory(), c.server(),
                c.session().withHostname(HOSTNAME), c.directory(), c.spool(), c.delivery()))) {
            Transcript.run(server.port(), TRANSACTION);
            assertThat(server.awaitMessages("postmaster", "localhost", 3, Duration.ofSeconds(10))).hasSize(3);
            assertThat(server.maildir("postmaster", HOSTNAME)).doesNotExist();
        }
    }

    private TestServer start(UnaryOperator<TernConfig> change) {
        return TestServer.start(data, change);
    }
}
