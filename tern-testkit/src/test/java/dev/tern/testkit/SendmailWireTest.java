package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.directory.DirectorySettings;
import dev.tern.mail.Domain;
import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern sendmail} called by real programs through the repository's {@code sendmail} launcher, submitting
 * over the local submission socket to a running server that delivers to local mailboxes.
 */
class SendmailWireTest {
    private static final String USER = System.getProperty("user.name");

    @TempDir
    Path data;

    @TempDir
    Path work;

    private TestServer server;
    private Path launcher;
    private String hostname;

    @BeforeEach
    void setUp() throws IOException {
        server = startServer();
        hostname = server.config().session().hostname();
        // The tern command a package would install, here this JVM's classpath pointed at the test's data directory.
        Path tern = work.resolve("tern");
        Files.writeString(tern, "#!/bin/sh\nsub=$1; shift\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -cp '" + System.getProperty("java.class.path") + "' dev.tern.app.Main \"$sub\" --data '" + data + "' \"$@\"\n");
        Files.setPosixFilePermissions(tern, PosixFilePermissions.fromString("rwx------"));
        launcher = Path.of("..", "sendmail").toAbsolutePath().normalize();
        assertThat(launcher).isExecutable();
        // Any local user reaches the submission socket; only the server's user the control socket.
        assertThat((int) Files.getAttribute(data.resolve("public"), "unix:mode") & 07777).isEqualTo(0711);
        assertThat((int) Files.getAttribute(data.resolve("public/submit.sock"), "unix:mode") & 0777).isEqualTo(0666);
    }

    /** The defaults (any local part at localhost) plus example.test: git send-email wants a dot in a domain. */
    private TestServer startServer() {
        return TestServer.start(data, c -> new TernConfig(c.dataDirectory(), c.server(), c.session(),
                new DirectorySettings(Set.of(Domain.parse("localhost"), Domain.parse("example.test")), true, Set.of(),
                        Map.of(), Map.of(), "+"), c.spool(), c.delivery()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int code, String output) {}

    private Run run(String input, Map<String, String> environment, String... command) throws Exception {
        var builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().put("TERN", work.resolve("tern").toString());
        builder.environment().put("HOME", work.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished: " + output).isTrue();
        return new Run(process.exitValue(), output);
    }

    private String only(String localPart) throws IOException {
        return only(localPart, "localhost");
    }

    private String only(String localPart, String domain) throws IOException {
        List<Path> messages = server.awaitMessages(localPart, domain, 1, Duration.ofSeconds(20));
        assertThat(messages).hasSize(1);
        return Files.readString(messages.getFirst());
    }

    @Test
    void bsdMailxSendsThroughTheLauncher() throws Exception {
        Path mail = Path.of("/usr/bin/bsd-mailx");
        RequiredTool.requireExecutable(mail, "bsd-mailx");
        Path rc = work.resolve("mailrc");
        Files.writeString(rc, "set sendmail=" + launcher + "\n");
        Run run = run("Hello from mailx.\n", Map.of("MAILRC", rc.toString()),
                mail.toString(), "-s", "mailx test", "bob@localhost");
        assertThat(run.code()).as(run.output()).isZero();

        String message = only("bob");
        assertThat(message).contains("Return-Path: <" + USER + "@" + hostname + ">")
                .containsPattern("Received: by " + hostname + " \\(Tern\\) id \\S+;\\r?\\n\\tfrom userid " + USER + ";")
                .contains("Subject: mailx test", "To: bob@localhost", "Hello from mailx.")
                .containsPattern("(?m)^From: " + USER + "@" + hostname + "\\r?$")
                .containsPattern("(?m)^Date: ").containsPattern("(?m)^Message-ID: <");
    }

    @Test
    void headerRecipientsSenderAndDotsAsProgramsUseThem() throws Exception {
        String input = "To: Bob <bob@localhost>\nBcc: carol@localhost\nSubject: -t test\n"
                + "Message-ID: <given@x.test>\n\nline one\n.\nafter the dot\n";
        Run run = run(input, Map.of(), launcher.toString(), "-t", "-oi", "-oem", "-f", "app@localhost",
                "-F", "The App", "-N", "never");
        assertThat(run.code()).as(run.output()).isZero();

        for (String who : List.of("bob", "carol")) {
            String message = only(who);
            assertThat(message).contains("Return-Path: <app@localhost>", "From: \"The App\" <app@localhost>",
                    "Message-ID: <given@x.test>").doesNotContain("Bcc:")
                    .containsPattern("line one\\r?\\n\\.\\r?\\nafter the dot");
            assertThat(message.split("Message-ID:", -1)).hasSize(2);
        }
    }

    @Test
    void gitSendEmailSendsAPatch() throws Exception {
        Path git = Path.of("/usr/bin/git");
        RequiredTool.requireExecutable(git, "git");
        RequiredTool.require(Files.exists(Path.of("/usr/lib/git-core/git-send-email")), "git send-email (Debian package git-email)");
        Path repo = Files.createDirectories(work.resolve("repo"));
        Map<String, String> identity = Map.of("GIT_AUTHOR_NAME", "Dev", "GIT_AUTHOR_EMAIL", "dev@localhost",
                "GIT_COMMITTER_NAME", "Dev", "GIT_COMMITTER_EMAIL", "dev@localhost", "GIT_CONFIG_NOSYSTEM", "1");
        assertThat(run("", identity, git.toString(), "-C", repo.toString(), "init", "-q").code()).isZero();
        Files.writeString(repo.resolve("README"), "hello\n");
        assertThat(run("", identity, git.toString(), "-C", repo.toString(), "add", "README").code()).isZero();
        assertThat(run("", identity, git.toString(), "-C", repo.toString(), "commit", "-q", "-m", "Add a README").code()).isZero();
        Run patch = run("", identity, git.toString(), "-C", repo.toString(), "format-patch", "--root", "-o", work.toString());
        assertThat(patch.code()).as(patch.output()).isZero();

        Run sent = run("", identity, git.toString(), "-C", repo.toString(), "send-email", "--sendmail-cmd=" + launcher,
                "--to=bob@example.test", "--from=Dev <dev@example.test>", "--envelope-sender=dev@example.test",
                "--confirm=never", "--suppress-cc=all", "--no-annotate", patch.output().strip());
        assertThat(sent.code()).as(sent.output()).isZero();

        String message = only("bob", "example.test");
        assertThat(message).contains("Return-Path: <dev@example.test>", "Subject: [PATCH] Add a README", "+hello")
                .containsPattern("from userid " + USER + ";").containsPattern("(?m)^From: Dev <dev@example.test>");
    }

    @Test
    void queueListingAndFlushLikeMailq() throws Exception {
        assertThat(run("Subject: far\n\nb\n", Map.of(), launcher.toString(), "someone@remote.test").code()).isZero();
        Run listing = run("", Map.of(), launcher.toString(), "-bp");
        assertThat(listing.code()).as(listing.output()).isZero();
        assertThat(listing.output()).contains("someone@remote.test", USER + "@" + hostname);
        Run flush = run("", Map.of(), launcher.toString(), "-q");
        assertThat(flush.code()).as(flush.output()).isZero();
        assertThat(flush.output()).contains("flushed 1 message");
    }

    /**
     * Another local user (nobody, via setpriv) may submit on the public socket, named in Received: by its real
     * uid whatever it claims, but gets no answer from the private control socket.
     */
    @Test
    void anotherUserMaySubmitButNotSteerTheQueue() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        RequiredTool.requireExecutable(setpriv, "util-linux");
        RequiredTool.require("root".equals(USER), "running as root (to become another user)");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx--x--x"));
        String script = """
                import socket, sys
                body = b"Subject: from nobody\\r\\n\\r\\nhi\\r\\n"
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1] + "/public/submit.sock")
                s.sendall(b'{"from":"root@localhost","to":["erin@localhost"],"size":%d}\\n' % len(body) + body)
                print(s.makefile().readline().strip())
                try:
                    c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1] + "/control/control.sock")
                    print("control: connected")
                except OSError as e:
                    print("control: refused", e.errno)
                """;
        Run run = run("", Map.of(), setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/python3", "-c", script, data.toString());
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("\"ok\":true", "control: refused 13");
        String nobody = Files.readAllLines(Path.of("/etc/passwd")).stream().filter(l -> l.split(":")[2].equals("65534"))
                .findFirst().orElseThrow().split(":")[0];
        assertThat(only("erin")).containsPattern("from userid " + nobody + ";").contains("Subject: from nobody");
    }

    @Test
    void exitCodesAreSendmails() throws Exception {
        assertThat(run("Subject: x\n\nb\n", Map.of(), launcher.toString(), "-t").code()).isEqualTo(64);
        assertThat(run("Subject: x\n\nb\n", Map.of(), launcher.toString(), "bob@").code()).isEqualTo(64);
        assertThat(run("Subject: x\n\nb\n", Map.of(), launcher.toString(), "-R", "some").code()).isEqualTo(64);
        assertThat(run("", Map.of(), launcher.toString(), "-bz").code()).isEqualTo(64);
    }

    /** swaks speaking SMTP over a pipe to {@code sendmail -bs}, pipelining its commands, as a program would. */
    @Test
    void swaksSpeaksSmtpOverAPipeAsTheUnixUser() throws Exception {
        Path swaks = Path.of("/usr/bin/swaks");
        RequiredTool.requireExecutable(swaks, "swaks");
        Run run = run("", Map.of(), swaks.toString(), "--pipe", launcher + " -bs", "--pipeline",
                "--from", "app@localhost", "--to", "bob@localhost,carol@example.test",
                "--header", "Subject: over a pipe", "--body", "Hello from swaks.\n.leading dot\n");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("PIPELINING").containsPattern("<-\\s+250 2.0.0 Ok: queued as \\w+")
                .contains("221 2.0.0");

        for (String[] who : new String[][] {{"bob", "localhost"}, {"carol", "example.test"}}) {
            String message = only(who[0], who[1]);
            assertThat(message).contains("Return-Path: <app@localhost>", "Subject: over a pipe", "Hello from swaks.")
                    .containsPattern("\\n\\.leading dot\\r?\\n")
                    .containsPattern("Received: by " + hostname + " \\(Tern\\) id \\S+;\\r?\\n\\tfrom userid " + USER + ";");
        }
    }

    /**
     * A pipelined batch with mistakes in it, written at once: each command gets its own reply in order, the bad
     * ones refused without ending the session, and the one good transaction is queued as the Unix user.
     */
    @Test
    void pipelinedBatchWithBadCommandsOverStandardInput() throws Exception {
        String batch = String.join("\r\n", "MAIL FROM:<early@localhost>", "EHLO client.test", "FROBNICATE",
                "RCPT TO:<eve@localhost>", "MAIL FROM:<app@localhost>", "RCPT TO:<not an address>",
                "RCPT TO:<eve@localhost> NOTIFY=SUCCESS,FAILURE", "DATA", "Subject: batch", "", "one", "..two", ".",
                "DATA", "QUIT", "");
        Run run = run(batch, Map.of(), launcher.toString(), "-bs");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output().lines().filter(l -> !l.matches("250-.*")).map(l -> l.substring(0, 3)).toList())
                .as(run.output())
                .containsExactly("220", "503", "250", "500", "503", "250", "501", "250", "354", "250", "503", "221");
        String message = only("eve");
        assertThat(message).contains("Return-Path: <app@localhost>", "Subject: batch")
                .containsPattern("one\\r?\\n\\.two\\r?\\n")
                .containsPattern("from userid " + USER + ";");
        // RCPT's NOTIFY=SUCCESS went with the submission: the sender gets the success DSN (RFC 3461).
        assertThat(only("app")).contains("multipart/report", "report-type=delivery-status")
                .containsPattern("(?i)Action: delivered").containsPattern("(?i)Final-Recipient: rfc822; ?eve@localhost");
    }

    /**
     * CHUNKING over standard input (RFC 3030): the chunks are one message, submitted at the last one and not
     * before; a transaction left open at the end of input (no QUIT) is not submitted.
     */
    @Test
    void bdatChunksOverStandardInputAreOneMessageAndAnOpenTransactionIsDropped() throws Exception {
        String first = "Subject: chunked\r\n\r\none ";
        String last = "two\r\n";
        String batch = "EHLO client.test\r\nMAIL FROM:<app@localhost>\r\nRCPT TO:<jack@localhost>\r\n"
                + "BDAT " + first.length() + "\r\n" + first + "BDAT " + last.length() + " LAST\r\n" + last
                + "MAIL FROM:<app@localhost>\r\nRCPT TO:<jack@localhost>\r\nDATA\r\nSubject: unfinished\r\n\r\n"
                + "no dot\r\n.\r\nMAIL FROM:<app@localhost>\r\nRCPT TO:<jack@localhost>\r\nBDAT 5\r\nhalf.";
        Run run = run(batch, Map.of(), launcher.toString(), "-bs");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output().lines().filter(l -> !l.matches("250-.*")).map(l -> l.substring(0, 3)).toList())
                .as(run.output()).containsExactly("220", "250", "250", "250", "250", "250", "250", "250", "354", "250",
                        "250", "250", "250");
        assertThat(run.output().split("Ok: queued as", -1)).as(run.output()).hasSize(3); // two messages, no more
        assertThat(run.output()).contains("250 2.0.0 5 octets received");
        List<Path> messages = server.awaitMessages("jack", "localhost", 2, Duration.ofSeconds(20));
        assertThat(messages).hasSize(2);
        assertThat(Files.readString(messages.get(0)) + Files.readString(messages.get(1)))
                .contains("Subject: chunked", "one two", "Subject: unfinished").doesNotContain("half.");
    }

    /**
     * A quoted local part (RFC 5321 §4.1.2) keeps its meaning on the way to the server: over {@code -bs}, where the
     * session's parsed address is written back quoted, and on the command line; it was taken quotes and all.
     */
    @Test
    void quotedLocalPartsReachTheServerUnchanged() throws Exception {
        String batch = String.join("\r\n", "EHLO client.test", "MAIL FROM:<\"app sender\"@localhost>",
                "RCPT TO:<hana@localhost>", "DATA", "Subject: quoted", "", "body", ".", "QUIT", "");
        Run run = run(batch, Map.of(), launcher.toString(), "-bs");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("250 2.0.0 Ok: queued as");
        assertThat(only("hana")).contains("Return-Path: <\"app sender\"@localhost>");

        Run line = run("Subject: quoted too\n\nbody\n", Map.of(), launcher.toString(), "-f", "\"the app\"@localhost",
                "ivy@localhost");
        assertThat(line.code()).as(line.output()).isZero();
        assertThat(only("ivy")).contains("Return-Path: <\"the app\"@localhost>");
    }

    /**
     * Standard output that cannot be written (here {@code /dev/full}: ENOSPC) ends the session with 75 at the
     * first reply, before any message is taken: a client that cannot read the replies would send it again.
     */
    @Test
    void unwritableStandardOutputEndsTheSessionWithTempfail() throws Exception {
        String batch = String.join("\r\n", "HELO client.test", "MAIL FROM:<app@localhost>",
                "RCPT TO:<gina@localhost>", "DATA", "Subject: unanswered", "", "nobody reads the 250", ".", "QUIT", "");
        Run run = run(batch, Map.of(), "/bin/sh", "-c", "exec \"$0\" -bs >/dev/full", launcher.toString());
        assertThat(run.code()).as(run.output()).isEqualTo(75);
        assertThat(run.output()).contains("sendmail: the SMTP session ended");
        // Nothing was submitted: a message sent after it is the only one gina gets.
        assertThat(run("Subject: after\n\nsecond\n", Map.of(), launcher.toString(), "gina@localhost").code()).isZero();
        assertThat(only("gina")).contains("Subject: after").doesNotContain("unanswered");
    }

    /** With no server running, {@code -bs} still takes the message (into the maildrop, as postdrop does). */
    @Test
    void smtpOnStandardInputWhileTheServerIsStoppedGoesToTheMaildrop() throws Exception {
        server.close();
        String batch = String.join("\r\n", "HELO client.test", "MAIL FROM:<app@localhost>",
                "RCPT TO:<frank@localhost>", "DATA", "Subject: dropped", "", "later", ".", "QUIT", "");
        Run run = run(batch, Map.of(), launcher.toString(), "-bs");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("250 2.0.0 Ok: queued as maildrop");
        server = startServer();
        assertThat(only("frank")).contains("Return-Path: <app@localhost>", "Subject: dropped", "later")
                .containsPattern("from userid " + USER + ";");
    }

    @Test
    void aStoppedServerPicksTheMaildropUpAtStartExactlyOnce() throws Exception {
        server.close();
        Run stopped = run("Subject: while stopped\n\nkept for later\n", Map.of(), launcher.toString(), "-f",
                "app@localhost", "dana@localhost");
        assertThat(stopped.code()).as(stopped.output()).isZero();
        Path maildrop = data.resolve("maildrop");
        assertThat((int) Files.getAttribute(maildrop, "unix:mode") & 07777).isEqualTo(01733);
        try (var files = Files.list(maildrop)) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString().endsWith(".msg");
        }
        // A crash after a commit and before the delete leaves a file with its marker: it must not be queued again.
        Path committed = maildrop.resolve("crashed.msg");
        Files.writeString(committed, "{\"to\":[\"dana@localhost\"],\"size\":3}\nx\r\n");
        Files.createFile(maildrop.resolve("crashed.msg.done"));

        server = startServer();
        String message = only("dana");
        assertThat(message).contains("Return-Path: <app@localhost>", "Subject: while stopped", "kept for later")
                .containsPattern("from userid " + USER + ";");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(maildrop)) {
                if (files.findAny().isEmpty()) break;
            }
            Thread.sleep(50);
        }
        try (var files = Files.list(maildrop)) {
            assertThat(files).isEmpty();
        }
        Thread.sleep(2500); // past another pickup round: still exactly one
        assertThat(server.newMessages("dana", "localhost")).hasSize(1);
    }

    /** A second name of a file (a hard link) or a symbolic link in the maildrop is refused, never sent. */
    @Test
    void hardAndSymbolicLinksInTheMaildropAreRefused() throws Exception {
        server.close();
        Path maildrop = data.resolve("maildrop");
        Path elsewhere = work.resolve("not-for-mail.txt");
        Files.writeString(elsewhere, "{\"to\":[\"erin@localhost\"],\"size\":7}\nsecret\r\n");
        Files.createLink(maildrop.resolve("linked.msg"), elsewhere);
        Files.createSymbolicLink(maildrop.resolve("symbolic.msg"), elsewhere);

        server = startServer();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && !(Files.exists(maildrop.resolve("linked.msg.refused"), LinkOption.NOFOLLOW_LINKS)
                && Files.exists(maildrop.resolve("symbolic.msg.refused"), LinkOption.NOFOLLOW_LINKS))) {
            Thread.sleep(50);
        }
        assertThat(maildrop.resolve("linked.msg.refused")).exists();
        assertThat(maildrop.resolve("symbolic.msg.refused")).isSymbolicLink();
        Thread.sleep(2500); // past another pickup round
        assertThat(server.newMessages("erin", "localhost")).isEmpty();
        assertThat(elsewhere).hasContent("{\"to\":[\"erin@localhost\"],\"size\":7}\nsecret\r\n");
    }
}
