package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.auth.AccountStore;
import dev.tern.server.SubmissionLimitSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #3: hourly submission limits per user, over the wire as `./tern run` wires them. */
class SubmissionLimitsWireTest {
    @TempDir
    Path data;

    private static TernConfig withLimits(TernConfig c, SubmissionLimitSettings limits) {
        return new TernConfig(c.dataDirectory(), c.server().withSubmissionLimits(limits), c.session(), c.directory(),
                c.spool(), c.delivery(), c.tls(), c.checkSender());
    }

    private static void login(StartTlsWireTest.Client client) throws Exception {
        client.ask("EHLO client.test");
        String plain = StartTlsWireTest.base64("\0alice@localhost\0correct horse battery");
        assertThat(client.ask("AUTH PLAIN " + plain)).startsWith("235 2.7.0");
    }

    @Test
    void overTheHourlyLimitsMailGets451AndRcptGets452() throws Exception {
        AccountStore.open(data).add("alice@localhost", "correct horse battery");
        // 2 messages and 3 recipients an hour per user; the per-address limits stay out of the way.
        var limits = new SubmissionLimitSettings(2, 3, 400, 2000);
        try (TestServer server = TestServer.start(data, c -> withLimits(c, limits))) {
            try (StartTlsWireTest.Client client = new StartTlsWireTest.Client(server.submissionPort())) {
                client.reply();
                client.ask("EHLO client.test");
                assertThat(client.ask("STARTTLS")).startsWith("220 2.0.0");
                client.startTls();
                login(client);

                assertThat(client.ask("MAIL FROM:<alice@localhost>")).startsWith("250 ");
                assertThat(client.ask("RCPT TO:<bob@localhost>")).startsWith("250 ");
                assertThat(client.ask("RCPT TO:<carol@localhost>")).startsWith("250 ");
                client.ask("DATA");
                assertThat(client.ask("Subject: one\r\n\r\nfirst\r\n.")).startsWith("250 2.0.0");

                assertThat(client.ask("MAIL FROM:<alice@localhost>")).startsWith("250 ");
                assertThat(client.ask("RCPT TO:<dave@localhost>")).startsWith("250 ");
                // RFC 5321 §4.5.3.1.10: 452 for recipients over a limit; the accepted ones still go.
                assertThat(client.ask("RCPT TO:<erin@localhost>"))
                        .isEqualTo("452 4.5.3 Too many recipients this hour");
                client.ask("DATA");
                assertThat(client.ask("Subject: two\r\n\r\nsecond\r\n.")).startsWith("250 2.0.0");

                assertThat(client.ask("MAIL FROM:<alice@localhost>"))
                        .isEqualTo("451 4.7.1 Too many messages this hour, try again later");
                assertThat(client.ask("QUIT")).startsWith("221 ");
            }
            // The count is the user's, whatever the connection or listener, and however the name is typed.
            try (StartTlsWireTest.Client client = StartTlsWireTest.Client.smtps(server.smtpsPort())) {
                client.reply();
                client.ask("EHLO client.test");
                String plain = StartTlsWireTest.base64("\0ALICE@localhost\0correct horse battery");
                assertThat(client.ask("AUTH PLAIN " + plain)).startsWith("235 2.7.0");
                assertThat(client.ask("MAIL FROM:<alice@localhost>")).startsWith("451 4.7.1");
            }
        }
    }
}
