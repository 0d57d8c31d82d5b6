package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AccountStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole server as `./tern run` wires it: an account from the accounts file, submission over STARTTLS. */
class SubmissionTest {
    @TempDir
    Path data;

    private static String submit(StartTlsWireTest.Client client, String content) throws Exception {
        client.ask("MAIL FROM:<alice@localhost>");
        client.ask("RCPT TO:<bob@localhost>");
        client.ask("DATA");
        return client.ask(content + "\r\n.");
    }

    @Test
    void submissionAddsMissingDateAndMessageIdAndKeepsThePresentOnes() throws Exception {
        AccountStore.open(data).add("alice@localhost", "correct horse battery");
        try (TestServer server = TestServer.start(data);
             StartTlsWireTest.Client client = new StartTlsWireTest.Client(server.submissionPort())) {
            client.reply();
            client.ask("EHLO client.test");
            assertThat(client.ask("STARTTLS")).startsWith("220 2.0.0");
            client.startTls();
            client.ask("EHLO client.test");
            String plain = StartTlsWireTest.base64("\0alice@localhost\0correct horse battery");
            assertThat(client.ask("AUTH PLAIN " + plain)).startsWith("235 2.7.0");
            // RFC 6409 §8.2, §8.3: the submission server adds Date: and Message-ID: when they are missing.
            assertThat(submit(client, "Subject: bare\r\n\r\nno date")).startsWith("250 2.0.0");
            assertThat(submit(client, "Date: Sun, 1 Nov 2026 10:00:00 +0100\r\nMessage-ID: <own@client.test>\r\n"
                    + "Subject: complete\r\n\r\nhas both")).startsWith("250 2.0.0");

            List<Path> files = server.awaitMessages("bob", "localhost", 2, Duration.ofSeconds(10));
            assertThat(files).hasSize(2);
            String bare = Files.readString(files.stream().filter(f -> read(f).contains("Subject: bare")).findFirst().orElseThrow());
            String complete = Files.readString(files.stream().filter(f -> read(f).contains("Subject: complete")).findFirst().orElseThrow());
            assertThat(bare).contains("with ESMTPSA").containsPattern("\nDate: \\w{3}, \\d{1,2} \\w{3} \\d{4} [0-9:]{8} [+-]\\d{4}\n")
                    .containsPattern("\nMessage-ID: <[0-9A-Z]+@localhost>\n");
            assertThat(complete).contains("\nDate: Sun, 1 Nov 2026 10:00:00 +0100\n").contains("<own@client.test>");
            assertThat(complete.split("\nDate:", -1)).hasSize(2);
            assertThat(complete.split("\nMessage-ID:", -1)).hasSize(2);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
