package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scrape endpoint and the health probes over real HTTP from the JDK's client, after mail from Python's smtplib (docs/metrics.md). */
class MetricsWireTest {
    @TempDir
    Path data;

    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? [-+0-9.eE]+|[+-]Inf|NaN");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    @Test
    void metricsAreInTheTextFormatAndTheProbesAnswer() throws Exception {
        try (TestServer server = TestServer.start(data); HttpClient http = HttpClient.newHttpClient()) {
            RequiredTool.requireExecutable(Path.of("/usr/bin/python3"), "python3");
            Process python = new ProcessBuilder("/usr/bin/python3", "-c", """
                    import smtplib, sys
                    with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test") as s:
                        for i in range(3):
                            s.sendmail("me@client.test", ["uma@localhost"], "Subject: m\\r\\n\\r\\nhi\\r\\n")
                    """, Integer.toString(server.port())).redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(python.exitValue()).as(output).isZero();
            HttpResponse<String> first = get(http, server.webUrl() + "/metrics");
            HttpResponse<String> second = get(http, server.webUrl() + "/metrics");
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            for (String line : second.body().lines().toList()) {
                assertThat(SAMPLE.matcher(line).matches() || COMMENT.matcher(line).matches())
                        .as("exposition line: %s", line).isTrue();
            }
            assertThat(value(second.body(), "tern_scrapes_total") - value(first.body(), "tern_scrapes_total"))
                    .isEqualTo(1.0);
            assertThat(value(second.body(), "tern_messages_spooled_total")).isEqualTo(3.0);
            assertThat(value(second.body(), "tern_spool_usable_bytes")).isPositive();
            HttpResponse<String> health = get(http, server.webUrl() + "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
            HttpResponse<String> ready = get(http, server.webUrl() + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"ready\":true");
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String exposition, String name) {
        return exposition.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + " in\n" + exposition));
    }
}
