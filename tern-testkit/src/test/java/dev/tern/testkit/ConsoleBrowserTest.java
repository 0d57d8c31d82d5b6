package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.web.admin.AdminAuth;
import dev.tern.auth.AccountStore;
import dev.tern.delivery.DeliverySettings;
import dev.tern.testbase.RequiredTool;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in Debian's headless Chromium, driven by Playwright ({@code browser-tests/console.spec.mjs}): log
 * in (a wrong password first), find a queued message by its id, read a delivered message with an HTML part whose
 * script must not run, open a folder other than INBOX (made over IMAP by Python's imaplib), delete its message
 * (then imaplib finds the folder empty), and read the recent log. Screenshots go to {@code target/screenshots/}.
 */
class ConsoleBrowserTest {
    static final String ADMIN = "alice@localhost";
    static final String PASSWORD = QueueCommandWireTest.PASSWORD;

    @TempDir
    Path data;

    /** A server whose remote mail stays queued for an hour, with alice an account and an admin. */
    static TestServer start(Path data) throws Exception {
        AccountStore.open(data).add(ADMIN, PASSWORD);
        java.io.StringWriter out = new java.io.StringWriter();
        int code = dev.tern.app.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(out),
                "admin", "add", ADMIN, "--data", data.toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(java.nio.file.Files.getPosixFilePermissions(AdminAuth.adminsFile(data)))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        return TestServer.start(data, c -> new TernConfig(c.dataDirectory(), c.server(), c.session(), c.directory(),
                c.spool(), new DeliverySettings(4, Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(5))));
    }

    /** Sends bob@localhost a text + HTML message (the HTML with a script and a remote image) and an attachment. */
    static void deliverHtml(TestServer server, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(server.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("carol@localhost"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@localhost"));
        message.setSubject(subject);
        MimeBodyPart text = new MimeBodyPart();
        text.setText("plain words for bob", "utf-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>rendered html</p><script>parent.ternPwned = true;</script>"
                + "<img src=\"http://127.0.0.1:9/track.png\">", "text/html; charset=utf-8");
        MimeBodyPart alternative = new MimeBodyPart();
        alternative.setContent(new MimeMultipart("alternative", text, html));
        MimeBodyPart notes = new MimeBodyPart();
        notes.setText("attached notes", "utf-8");
        notes.setFileName("notes.txt");
        notes.setDisposition("attachment");
        message.setContent(new MimeMultipart(alternative, notes));
        Transport.send(message);
    }

    /**
     * Runs {@code body} in Python's imaplib, logged in as {@link #ADMIN} on the server's IMAPS port as {@code M};
     * returns what it printed. A failed assertion in the script fails the test.
     */
    static String imap(TestServer server, String body) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        RequiredTool.requireExecutable(python, "python3");
        // IMAPS: the server refuses LOGIN in clear; its certificate is the test's self-signed one, on loopback.
        String script = "import imaplib, re, ssl, sys\n"
                + "M = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ssl._create_unverified_context())\n"
                + "M.socket().settimeout(20)\n"
                + "typ, _ = M.login(sys.argv[2], sys.argv[3])\n"
                + "assert typ == 'OK'\n"
                + body
                + "M.logout()\n";
        Process process = new ProcessBuilder(python.toString(), "-c", script, Integer.toString(server.imapsPort()), ADMIN, PASSWORD)
                .redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("imaplib ended").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.strip();
    }

    /** Creates {@code folder} for {@link #ADMIN} over IMAP if need be, appends a message to it; returns its UID (APPENDUID). */
    static long appendOverImap(TestServer server, String folder, String subject) throws Exception {
        String uid = imap(server, """
                typ, data = M.create('%s')
                assert typ == 'OK' or b'ALREADYEXISTS' in data[0], data
                typ, data = M.append('%s', None, None, b'From: dan@localhost\\r\\nSubject: %s\\r\\n\\r\\nkept in a folder\\r\\n')
                assert typ == 'OK', data
                print(re.search(rb'APPENDUID \\d+ (\\d+)', data[0]).group(1).decode())
                """.formatted(folder, folder, subject));
        return Long.parseLong(uid);
    }

    @Test
    void logInFindQueuedMessageAndReadMailInChromium() throws Exception {
        Path node = BrowserScripts.NODE;
        Path tests = BrowserScripts.directory();
        try (TestServer server = start(data)) {
            String queued = QueueCommandWireTest.submit(server, "carol@remote.example");
            QueueCommandWireTest.submit(server, "dave@other.example");
            String subject = "Console test " + System.nanoTime();
            deliverHtml(server, subject);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (server.newMessages("bob", "localhost").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // local delivery runs on the queue runner; no event to await
            }
            assertThat(server.newMessages("bob", "localhost")).hasSize(1);
            String archived = "Archived " + System.nanoTime();
            long archivedUid = appendOverImap(server, "Projects", archived);

            Path shots = Path.of("target", "screenshots").toAbsolutePath();
            ProcessBuilder builder = new ProcessBuilder(node.toString(), tests.resolve("console.spec.mjs").toString())
                    .directory(tests.toFile()).redirectErrorStream(true);
            builder.environment().putAll(java.util.Map.of("TERN_URL", server.webUrl(), "TERN_USER", ADMIN,
                    "TERN_PASSWORD", PASSWORD, "TERN_QUEUE_ID", queued, "TERN_MAILBOX", "bob@localhost",
                    "TERN_SUBJECT", subject, "TERN_SCREENSHOTS", shots.toString(), "TERN_FOLDER", "Projects",
                    "TERN_FOLDER_SUBJECT", archived));
            Process process = builder.start();
            String output;
            try (var in = process.getInputStream()) {
                output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) process.destroyForcibly();
            assertThat(ended).as("the browser script ended").isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("console ok");
            assertThat(shots.resolve("3-mailbox-message.png")).isNotEmptyFile();
            assertThat(shots.resolve("7-log.png")).isNotEmptyFile();
            // The console's delete went through the store's expunge: IMAP sees the folder empty.
            assertThat(imap(server, """
                    typ, data = M.select('Projects')
                    assert typ == 'OK', data
                    print('exists', int(data[0]))
                    typ, data = M.uid('SEARCH', None, 'UID', '%d')
                    print('found', data[0].decode() or '-')
                    """.formatted(archivedUid))).isEqualTo("exists 0\nfound -");
        }
    }
}
