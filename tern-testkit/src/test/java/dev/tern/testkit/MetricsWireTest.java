package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AccountStore;
import dev.tern.testbase.RequiredTool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrape endpoint and the health probes over real HTTP from the JDK's client (docs/metrics.md), after real
 * clients made the events: Python's smtplib (mail in, a relay refused, STARTTLS, a failed and a good AUTH, a
 * submission to a remote domain that stays deferred) and imaplib (a login over implicit TLS). The whole exposition
 * is read by Prometheus' own text parser (Debian's python3-prometheus-client), whose samples the assertions use.
 */
class MetricsWireTest {
    private static final String USER = "alice@localhost";
    private static final String PASSWORD = "metrics password 1";

    @TempDir
    Path data;

    private static final String CLIENTS = """
            import imaplib, smtplib, ssl, sys
            smtp, submission, imaps = (int(p) for p in sys.argv[1:4])
            user, password = sys.argv[4], sys.argv[5]
            tls = ssl.create_default_context()
            tls.check_hostname = False
            tls.verify_mode = ssl.CERT_NONE
            with smtplib.SMTP("127.0.0.1", smtp, local_hostname="client.test") as s:
                for i in range(3):
                    s.sendmail("me@client.test", ["uma@localhost"], "Subject: m\\r\\n\\r\\nhi\\r\\n")
                s.mail("me@client.test")
                code, _ = s.rcpt("someone@far.example")
                assert code == 550, code
                s.rset()
            with smtplib.SMTP("127.0.0.1", submission, local_hostname="client.test") as s:
                s.starttls(context=tls)
                s.ehlo("client.test")
                s.user, s.password = user, "not the password"
                try:
                    s.auth("PLAIN", s.auth_plain)
                    raise SystemExit("a wrong password was accepted")
                except smtplib.SMTPAuthenticationError as e:
                    assert e.smtp_code == 535, e
            with smtplib.SMTP("127.0.0.1", submission, local_hostname="client.test") as s:
                s.starttls(context=tls)
                s.ehlo("client.test")
                s.user, s.password = user, password
                s.auth("PLAIN", s.auth_plain)
                s.sendmail(user, ["bob@far.example"], "Subject: out\\r\\n\\r\\nhi\\r\\n")
            with imaplib.IMAP4_SSL("127.0.0.1", imaps, ssl_context=tls) as imap:
                imap.login(user, password)
                imap.logout()
            """;

    /** Prints each sample of the exposition on stdin as "name{sorted labels} value", after parsing all of it. */
    private static final String PARSER = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            families = list(text_string_to_metric_families(sys.stdin.read()))
            assert families, "no metric families"
            for family in families:
                assert family.documentation, family.name + " has no HELP"
                for s in family.samples:
                    labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                    print(f"{s.name}{{{labels}}} {s.value!r}")
            """;

    @Test
    void countersFollowRealClientsAndTheWholeExpositionParses() throws Exception {
        RequiredTool.requireExecutable(Path.of("/usr/bin/python3"), "python3");
        RequiredTool.require(RequiredTool.systemPythonHas("prometheus_client"), "python3-prometheus-client");
        AccountStore.open(data).add(USER, PASSWORD);
        try (TestServer server = TestServer.start(data); HttpClient http = HttpClient.newHttpClient()) {
            String output = python(CLIENTS, "", Integer.toString(server.port()),
                    Integer.toString(server.submissionPort()), Integer.toString(server.imapsPort()), USER, PASSWORD);
            assertThat(output).isEmpty();
            // The three local messages delivered and the remote one deferred (its DNS is a closed port), all
            // connections ended: then every figure below is final.
            Map<String, Double> samples = awaitSamples(http, server, s ->
                    s.getOrDefault("tern_deliveries_total{outcome=\"delivered\",route=\"local\"}", 0.0) == 3
                            && s.getOrDefault("tern_deliveries_total{outcome=\"deferred\",route=\"remote\"}", 0.0) == 1
                            && s.getOrDefault("tern_queue_messages{state=\"deferred\"}", 0.0) == 1
                            && s.entrySet().stream().filter(e -> e.getKey().startsWith("tern_connections_open{"))
                                    .allMatch(e -> e.getValue() == 0));
            assertThat(samples).containsEntry("tern_messages_accepted_total{listener=\"smtp\"}", 3.0)
                    .containsEntry("tern_messages_accepted_total{listener=\"submission\"}", 1.0)
                    .containsEntry("tern_messages_spooled_total{}", 4.0)
                    .containsEntry("tern_smtp_refusals_total{reason=\"relay_denied\"}", 1.0)
                    .containsEntry("tern_smtp_refusals_total{reason=\"auth_failed\"}", 1.0)
                    .containsEntry("tern_smtp_refusals_total{reason=\"unknown_user\"}", 0.0)
                    .containsEntry("tern_connections_opened_total{listener=\"smtp\"}", 1.0)
                    .containsEntry("tern_connections_opened_total{listener=\"submission\"}", 2.0)
                    .containsEntry("tern_connections_opened_total{listener=\"imaps\"}", 1.0)
                    .containsEntry("tern_connections_opened_total{listener=\"pop3\"}", 0.0)
                    .containsEntry("tern_auth_attempts_total{mechanism=\"password\",outcome=\"rejected\",protocol=\"smtp\"}", 1.0)
                    .containsEntry("tern_auth_attempts_total{mechanism=\"password\",outcome=\"accepted\",protocol=\"smtp\"}", 1.0)
                    .containsEntry("tern_auth_attempts_total{mechanism=\"password\",outcome=\"accepted\",protocol=\"imap\"}", 1.0)
                    .containsEntry("tern_tls_handshakes_total{outcome=\"failed\",protocol=\"none\"}", 0.0)
                    .containsEntry("tern_deliveries_total{outcome=\"bounced\",route=\"remote\"}", 0.0)
                    .containsEntry("tern_dsns_queued_total{kind=\"failure\"}", 0.0)
                    .containsEntry("tern_queue_messages{state=\"queued\"}", 0.0)
                    .containsEntry("tern_queue_messages{state=\"active\"}", 0.0)
                    .containsEntry("tern_queue_messages{state=\"hold\"}", 0.0)
                    .containsEntry("tern_queue_messages_older_than{age=\"1h\"}", 0.0);
            // Two STARTTLS and one implicit TLS handshake, in whatever version Python and the JDK agree on.
            double handshakes = samples.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("tern_tls_handshakes_total{outcome=\"ok\""))
                    .mapToDouble(Map.Entry::getValue).sum();
            assertThat(handshakes).isEqualTo(3.0);
            assertThat(samples.get("tern_queue_oldest_message_age_seconds{}")).isBetween(0.0, 120.0);
            // Every commit waited for an fsync: the histogram has counted them, each in a bucket up to +Inf.
            assertThat(samples.get("tern_spool_fsync_seconds_count{}")).isGreaterThanOrEqualTo(4.0);
            assertThat(samples.get("tern_spool_fsync_seconds_bucket{le=\"+Inf\"}"))
                    .isEqualTo(samples.get("tern_spool_fsync_seconds_count{}"));
            assertThat(samples.get("tern_spool_usable_bytes{}")).isPositive();

            HttpResponse<String> first = get(http, server.webUrl() + "/metrics");
            HttpResponse<String> second = get(http, server.webUrl() + "/metrics");
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            assertThat(parse(second.body()).get("tern_scrapes_total{}") - parse(first.body()).get("tern_scrapes_total{}"))
                    .isEqualTo(1.0);
            HttpResponse<String> health = get(http, server.webUrl() + "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
            HttpResponse<String> ready = get(http, server.webUrl() + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"ready\":true");
        }
    }

    /**
     * {@code /readyz} says 503 from the moment the server begins to stop, while it waits for its connections: here an
     * IMAPS login held in the failure throttle's delay (10 s before any check, by this test's policy), which keeps the
     * IMAP listener's close waiting for its grace of 5 s before the web listener closes.
     */
    @Test
    void readinessIsRefusedOnceShutdownBegins() throws Exception {
        AccountStore.open(data).add(USER, PASSWORD);
        var slow = new dev.tern.auth.AuthThrottle.Policy(Duration.ofMinutes(10), 0, Duration.ofSeconds(10),
                Duration.ofSeconds(10), 10, 5, 100);
        TestServer server = TestServer.start(data, c -> c.withAuth(new dev.tern.auth.AuthSettings(
                c.auth().passwordCost(), c.auth().scramIterations(), c.auth().reloadInterval(), slow)));
        Thread stopping = null;
        try (HttpClient http = HttpClient.newHttpClient();
             var imaps = (javax.net.ssl.SSLSocket) StartTlsWireTest.trustAll().getSocketFactory()
                     .createSocket("127.0.0.1", server.imapsPort())) {
            assertThat(get(http, server.webUrl() + "/readyz").statusCode()).isEqualTo(200);
            imaps.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(imaps.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("* OK");
            imaps.getOutputStream().write(("a1 LOGIN " + USER + " wrong\r\n").getBytes(StandardCharsets.US_ASCII));
            imaps.getOutputStream().flush();
            // The server has the login once the connection counts as open and a scrape has gone by.
            awaitSamples(http, server, s -> s.get("tern_connections_open{listener=\"imaps\"}") == 1);
            stopping = Thread.ofVirtual().start(server::close);
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            HttpResponse<String> ready = get(http, server.webUrl() + "/readyz");
            while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
                ready = get(http, server.webUrl() + "/readyz");
            }
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"ready\":false").contains("shutting down");
        } finally {
            if (stopping == null) server.close();
            else assertThat(stopping.join(Duration.ofSeconds(30))).isTrue();
        }
    }

    /** Scrapes until {@code done} holds of the parsed samples, for at most 30 seconds. */
    private static Map<String, Double> awaitSamples(HttpClient http, TestServer server,
                                                    java.util.function.Predicate<Map<String, Double>> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Double> samples = Map.of();
        while (System.nanoTime() < deadline) {
            samples = parse(get(http, server.webUrl() + "/metrics").body());
            if (done.test(samples)) return samples;
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(100); // a poll with a deadline: the delivery runs on its own thread
        }
        throw new AssertionError("metrics did not settle in 30 s: " + samples);
    }

    /** The exposition as Prometheus' parser reads it; the parser fails on anything that is not the format. */
    private static Map<String, Double> parse(String exposition) throws Exception {
        Map<String, Double> samples = new HashMap<>();
        for (String line : python(PARSER, exposition).lines().toList()) {
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static String python(String script, String stdin, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = python.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        return output;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
