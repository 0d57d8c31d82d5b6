package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AccountStore;
import dev.tern.testbase.RequiredTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server as {@code ./tern run} wires it, read by mail programs: IMAP IDLE woken by a real SMTP
 * delivery, mbsync (isync) syncing a mailbox both ways over IMAPS, and POP3 over the same INBOX.
 */
class ReadersWireTest {
    private static final Path MBSYNC = Path.of("/usr/bin/mbsync");

    @TempDir
    Path data;

    private static void smtp(TestServer server, String subject) {
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: <250 reply>
                C: MAIL FROM:<sender@client.test>
                C: RCPT TO:<alice@localhost>
                C: DATA
                S: 250 *
                S: 250 *
                S: 354 *
                C: Subject: %s
                C: From: sender@client.test
                C:
                C: body of %s
                C: .
                S: 250 *
                C: QUIT
                S: 221 *
                """.formatted(subject, subject));
    }

    @Test
    void idleHearsAnSmtpDeliveryAndTheMessageReadsBack() throws Exception {
        AccountStore.open(data).add("alice@localhost", "correct horse battery");
        try (TestServer server = TestServer.start(data); ImapClient imap = new ImapClient(server.imapsPort())) {
            assertThat(imap.ask("LOGIN alice@localhost \"correct horse battery\"")).last().asString().startsWith("t1 OK");
            assertThat(imap.ask("SELECT INBOX")).contains("* 0 EXISTS");
            String idle = imap.startIdle();
            long sent = System.nanoTime();
            smtp(server, "woken");
            long acknowledged = System.nanoTime();
            assertThat(imap.line()).isEqualTo("* 1 EXISTS");
            long heard = System.nanoTime();
            imap.send("DONE");
            assertThat(imap.until(idle)).last().asString().startsWith(idle + " OK");
            List<String> fetched = imap.ask("FETCH 1 (FLAGS BODY[])");
            assertThat(String.join("\n", fetched)).contains("Subject: woken", "body of woken", "\\Seen");
            System.out.printf("ReadersWireTest: SMTP session %d ms, 250 to * 1 EXISTS %d ms%n",
                    (acknowledged - sent) / 1_000_000, (heard - acknowledged) / 1_000_000);
        }
    }

    @Test
    void mbsyncSyncsBothWays() throws Exception {
        RequiredTool.requireExecutable(MBSYNC, "isync");
        AccountStore.open(data).add("alice@localhost", "correct horse battery");
        try (TestServer server = TestServer.start(data)) {
            smtp(server, "first");
            smtp(server, "second");
            server.awaitMessages("alice", "localhost", 2, Duration.ofSeconds(10));
            Path local = data.resolve("local");
            Path config = mbsyncConfig(server, local);

            mbsync(config);
            assertThat(messages(local.resolve("INBOX"))).hasSize(2);
            assertThat(local.resolve("Sent")).isDirectory(); // the special-use folders made for the new account

            // Near side changes: one message read, one new draft.
            Path firstLocal = messages(local.resolve("INBOX")).stream()
                    .filter(p -> read(p).contains("Subject: first")).findFirst().orElseThrow();
            Path seen = firstLocal.resolveSibling(firstLocal.getFileName().toString().replaceFirst(":2,.*$", "") + ":2,S");
            Files.move(firstLocal, seen);
            Files.writeString(local.resolve("Drafts/new/1700000000.draft.client"),
                    "Subject: a draft\nFrom: alice@localhost\n\nnot yet sent\n");
            mbsync(config);

            try (ImapClient imap = new ImapClient(server.imapsPort())) {
                imap.ask("LOGIN alice@localhost \"correct horse battery\"");
                assertThat(String.join("\n", imap.ask("STATUS Drafts (MESSAGES)"))).contains("(MESSAGES 1)");
                imap.ask("SELECT INBOX");
                String flags = String.join("\n", imap.ask("FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"));
                assertThat(flags).containsPattern("FLAGS \\(\\\\Seen\\)[^\n]*\n?Subject: first");
                // Far side change: the second message deleted on the server.
                List<String> search = imap.ask("SEARCH SUBJECT second");
                String number = search.getFirst().replace("* SEARCH ", "").strip();
                imap.ask("STORE " + number + " +FLAGS (\\Deleted)");
                assertThat(imap.ask("EXPUNGE")).contains("* " + number + " EXPUNGE");
            }
            mbsync(config);
            assertThat(messages(local.resolve("INBOX"))).singleElement()
                    .satisfies(p -> assertThat(read(p)).contains("Subject: first"));
        }
    }

    private Path mbsyncConfig(TestServer server, Path local) throws Exception {
        Files.createDirectories(local);
        Path config = data.resolve("mbsyncrc");
        Files.writeString(config, String.join("\n",
                "IMAPAccount tern",
                "Host 127.0.0.1",
                "Port " + server.imapsPort(),
                "User alice@localhost",
                "Pass \"correct horse battery\"",
                "SSLType IMAPS",
                "SystemCertificates no",
                "CertificateFile " + data.resolve("tls/selfsigned-fullchain.pem"),
                "",
                "IMAPStore remote",
                "Account tern",
                "",
                "MaildirStore near",
                "Path " + local + "/",
                "Inbox " + local.resolve("INBOX"),
                "SubFolders Verbatim",
                "",
                "Channel sync",
                "Far :remote:",
                "Near :near:",
                "Patterns *",
                "Create Both",
                "Expunge Both",
                "SyncState *",
                "Sync All",
                ""));
        return config;
    }

    private static void mbsync(Path config) throws Exception {
        Process process = new ProcessBuilder(MBSYNC.toString(), "-c", config.toString(), "-a")
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("mbsync finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static List<Path> messages(Path maildir) throws Exception {
        try (Stream<Path> files = Stream.concat(Files.list(maildir.resolve("cur")), Files.list(maildir.resolve("new")))) {
            return files.toList();
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
