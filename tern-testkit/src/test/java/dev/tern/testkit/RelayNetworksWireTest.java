package dev.tern.testkit;

import dev.tern.app.TernConfig;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code smtp.relay_networks}: those clients relay without AUTH (Postfix's mynetworks); nobody else does. */
class RelayNetworksWireTest {
    @TempDir
    Path data;

    private static final String RELAY_ATTEMPT = """
            S: 220 *
            C: EHLO app.test
            S: <250 reply>
            C: MAIL FROM:<app@localhost>
            S: 250 *
            C: RCPT TO:<someone@far.example>
            S: %s
            C: QUIT
            S: 221 *
            """;

    @Test
    void aClientInARelayNetworkMayRelayWithoutAuth() {
        var yaml = (ConfigResult.Loaded) ConfigLoader.parse("smtp: {relay_networks: [\"127.0.0.1/32\"]}");
        try (TestServer server = TestServer.start(data, c -> new TernConfig(c.dataDirectory(),
                c.server().withRelayNetworks(yaml.config().server().relayNetworks()), c.session(), c.directory(),
                c.spool(), c.delivery()))) {
            Transcript.run(server.port(), RELAY_ATTEMPT.formatted("250 2.1.5 *"));
        }
    }

    @Test
    void anyoneElseIsNoOpenRelay() {
        try (TestServer server = TestServer.start(data, c -> new TernConfig(c.dataDirectory(),
                c.server().withRelayNetworks(List.of("192.0.2.0/24")), c.session(), c.directory(), c.spool(),
                c.delivery()))) {
            Transcript.run(server.port(), RELAY_ATTEMPT.formatted("550 5.7.1 Relay access denied"));
        }
    }
}
