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
 * script must not run. Screenshots go to {@code target/screenshots/}.
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

    @Test
    void logInFindQueuedMessageAndReadMailInChromium() throws Exception {
        Path node = Path.of("/usr/bin/node");
        RequiredTool.requireExecutable(node, "nodejs");
        RequiredTool.requireExecutable(Path.of("/usr/bin/chromium"), "chromium");
        Path tests = Path.of("..", "browser-tests").toAbsolutePath().normalize();
        RequiredTool.require(Files.isDirectory(tests.resolve("node_modules/playwright-core")),
                "browser-tests/node_modules (npm ci --prefix browser-tests)");
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

            Path shots = Path.of("target", "screenshots").toAbsolutePath();
            ProcessBuilder builder = new ProcessBuilder(node.toString(), tests.resolve("console.spec.mjs").toString())
                    .directory(tests.toFile()).redirectErrorStream(true);
            builder.environment().putAll(java.util.Map.of("TERN_URL", server.webUrl(), "TERN_USER", ADMIN,
                    "TERN_PASSWORD", PASSWORD, "TERN_QUEUE_ID", queued, "TERN_MAILBOX", "bob@localhost",
                    "TERN_SUBJECT", subject, "TERN_SCREENSHOTS", shots.toString()));
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
        }
    }
}
