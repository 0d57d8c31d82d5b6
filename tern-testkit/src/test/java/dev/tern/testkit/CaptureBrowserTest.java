package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture mode's live page in Debian's headless Chromium, driven by Playwright
 * ({@code browser-tests/capture.spec.mjs}): the page is open and live, then a message is sent over SMTP, and it
 * must appear on the page without a reload; then it is found by a subject search and opened (text, attachment).
 * Screenshots go to {@code target/screenshots/}.
 */
class CaptureBrowserTest {
    @TempDir
    Path data;

    @Test
    void newMailAppearsOnTheLivePageWithoutAReload() throws Exception {
        Path node = BrowserScripts.NODE;
        Path tests = BrowserScripts.directory();
        try (TestServer server = TestServer.start(data, c -> c.withWeb(c.web().withCapture(true)))) {
            String subject = "Capture live " + System.nanoTime();
            Path shots = Path.of("target", "screenshots").toAbsolutePath();
            ProcessBuilder builder = new ProcessBuilder(node.toString(), tests.resolve("capture.spec.mjs").toString())
                    .directory(tests.toFile()).redirectErrorStream(true);
            builder.environment().putAll(Map.of("TERN_URL", server.webUrl(), "TERN_SUBJECT", subject,
                    "TERN_SCREENSHOTS", shots.toString()));
            Process process = builder.start();
            var lines = new LinkedBlockingQueue<String>();
            StringBuilder output = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                } catch (java.io.IOException e) {
                    lines.add("read failed: " + e); // the assertions below show it
                }
            });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String line = "";
                while (!line.equals("ready") && System.nanoTime() < deadline) {
                    line = lines.poll(1, TimeUnit.SECONDS);
                    if (line == null) line = "";
                    else output.append(line).append('\n');
                    if (!process.isAlive() && lines.isEmpty() && line.isEmpty()) break;
                }
                assertThat(line).as("the page opened and went live: " + output).isEqualTo("ready");

                ConsoleBrowserTest.deliverHtml(server, subject); // to bob@localhost, text + HTML + notes.txt

                boolean ended = process.waitFor(60, TimeUnit.SECONDS);
                assertThat(ended).as("the browser script ended").isTrue();
                reader.join(java.time.Duration.ofSeconds(5));
                lines.forEach(l -> output.append(l).append('\n'));
                assertThat(process.exitValue()).as(output.toString()).isZero();
                assertThat(output.toString()).contains("capture ok");
                assertThat(shots.resolve("capture-2-live.png")).isNotEmptyFile();
            } finally {
                if (process.isAlive()) process.destroyForcibly();
            }
        }
    }
}
