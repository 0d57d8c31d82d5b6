package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import dev.tern.auth.AccountStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 3 from the outside: the {@code auth.*} limits of a config file reach the running server, and
 * an account locked by failed logins stays locked while another address floods AUTH with distinct names.
 * The clients come from different loopback addresses (127.0.0.2, .3, .4), each its own client for the limits.
 */
class AuthThrottleWireTest {
    @TempDir
    Path data;

    private static String authPlain(int port, String from, String user, String password) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Transcript.readReply(in);
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(Transcript.readReply(in)).anyMatch(l -> l.contains("AUTH"));
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            out.write(("AUTH PLAIN " + plain + "\r\n").getBytes(StandardCharsets.US_ASCII));
            List<String> reply = Transcript.readReply(in);
            return reply.getLast().substring(0, 9);
        }
    }

    @Test
    void floodOfDistinctNamesDoesNotUnlockAGuessedAccount() throws Exception {
        AccountStore.open(data).add("alice@localhost", "correct horse battery");
        // No delays (free_failures above the limits), small limits and a small table: the flood is 20 names
        // against room for 5.
        ConfigResult parsed = ConfigLoader.parse("""
                auth: {plaintext_on_loopback: true, free_failures: 50, max_failures_per_user: 2,
                       max_failures_per_ip: 3, max_tracked: 5}
                """);
        TernConfig limits = ((ConfigResult.Loaded) parsed).config();
        try (TestServer server = TestServer.start(data, c -> new TernConfig(c.dataDirectory(),
                limits.server().withListeners(c.server().smtpListeners(), List.of(), List.of()), c.session(),
                c.directory(), c.spool(), c.delivery(), c.tls(), c.checkSender(), limits.auth()))) {
            int port = server.port();
            assertThat(authPlain(port, "127.0.0.2", "alice@localhost", "guess one")).isEqualTo("535 5.7.8");
            assertThat(authPlain(port, "127.0.0.2", "alice@localhost", "guess two")).isEqualTo("535 5.7.8");
            assertThat(authPlain(port, "127.0.0.4", "alice@localhost", "correct horse battery")).isEqualTo("454 4.7.0");

            for (int i = 0; i < 20; i++) {
                assertThat(authPlain(port, "127.0.0.3", "flood" + i + "@localhost", "x"))
                        .isEqualTo(i < 3 ? "535 5.7.8" : "454 4.7.0");
            }

            assertThat(authPlain(port, "127.0.0.4", "alice@localhost", "correct horse battery")).isEqualTo("454 4.7.0");
        }
    }
}
