package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.directory.DirectorySettings;
import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import dev.tern.smtp.SessionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, aliases and lists from a configured directory, seen through RCPT, VRFY, EXPN and delivery. */
class DirectoryWireTest {
    @TempDir
    Path data;

    private static final String EHLO = """
            C: EHLO client.test
            S: <250 reply>
            """;

    private TestServer start(boolean vrfyAndExpn) {
        Mailbox alice = Mailbox.of("alice", "example.test");
        Mailbox bob = Mailbox.of("bob", "example.test");
        DirectorySettings directory = new DirectorySettings(Set.of(Domain.parse("example.test")), false,
                Set.of(alice, bob), Map.of(Mailbox.of("info", "example.test"), List.of(alice)),
                Map.of(Mailbox.of("team", "example.test"), List.of(alice, bob)), "+");
        return TestServer.start(data, c -> {
            SessionSettings s = c.session();
            SessionSettings session = new SessionSettings(s.hostname(), s.maxMessageSize(), s.maxRecipients(),
                    s.maxMessages(), s.maxErrors(), s.maxReceivedHeaders(), vrfyAndExpn, vrfyAndExpn);
            return new TernConfig(c.dataDirectory(), c.server(), session, directory, c.spool(), c.delivery());
        });
    }

    @Test
    void onlyConfiguredAddressesAreAcceptedAndAliasesAndListsExpand() {
        try (TestServer server = start(false)) {
            Transcript.run(server.port(), "S: 220 *\n" + EHLO + """
                    C: MAIL FROM:<sender@client.test>
                    S: 250 *
                    C: RCPT TO:<nobody@example.test>
                    S: 550 5.1.1 *
                    C: RCPT TO:<info@EXAMPLE.test>
                    S: 250 *
                    C: RCPT TO:<team@example.test>
                    S: 250 *
                    C: RCPT TO:<bob+newsletters@example.test>
                    S: 250 *
                    C: RCPT TO:<Postmaster@example.test>
                    S: 250 *
                    C: DATA
                    S: 354 *
                    C: Subject: directory
                    C:
                    C: hi
                    C: .
                    S: 250 2.0.0 *
                    C: QUIT
                    S: 221 *
                    """);
            // alice: once through info (alias), once through team (list); bob: through team and bob+tag.
            assertThat(server.awaitMessages("alice", "example.test", 2, Duration.ofSeconds(10))).hasSize(2);
            assertThat(server.awaitMessages("bob", "example.test", 2, Duration.ofSeconds(10))).hasSize(2);
            assertThat(server.awaitMessages("postmaster", "example.test", 1, Duration.ofSeconds(10))).hasSize(1);
        }
    }

    @Test
    void vrfyAndExpnAreOffByDefault() {
        // RFC 5321 §3.5.3: 252 when the server will not verify; EXPN may be turned off (502).
        try (TestServer server = start(false)) {
            Transcript.run(server.port(), """
                    S: 220 *
                    C: VRFY alice@example.test
                    S: 252 2.*
                    C: EXPN team@example.test
                    S: 502 5.*
                    """);
        }
    }

    @Test
    void vrfyAndExpnAnswerFromTheDirectoryWhenTurnedOn() {
        try (TestServer server = start(true)) {
            Transcript.run(server.port(), """
                    S: 220 *
                    C: VRFY <alice@example.test>
                    S: 250 2.1.5 <alice@example.test>
                    C: VRFY nobody@example.test
                    S: 550 5.1.1 *
                    C: EXPN team@example.test
                    S: 250-2.1.5 <*@example.test>
                    S: 250 2.1.5 <*@example.test>
                    C: EXPN alice@example.test
                    S: 550 5.1.1 *
                    """);
        }
    }
}
