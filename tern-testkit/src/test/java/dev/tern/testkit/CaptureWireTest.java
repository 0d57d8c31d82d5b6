package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture mode end to end: Python's smtplib sends to domains the server does not serve, without logging in; the
 * capture REST API (java.net.http) lists, fetches and deletes what arrived, and a local recipient still gets its copy.
 */
class CaptureWireTest {
    @TempDir
    Path data;

    private static final String SCRIPT = """
            import smtplib, sys
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test") as s:
                s.sendmail("app@client.test", ["bob@example.test", "ann@other.example"], "Subject: first\\r\\n\\r\\none\\r\\n")
                s.sendmail("app@client.test", ["carl@example.test", "postmaster@localhost"], "Subject: second\\r\\n\\r\\ntwo\\r\\n")
            print("sent")
            """;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anyDomainIsAcceptedKeptListedFetchedAndDeleted() throws Exception {
        RequiredTool.requireExecutable(Path.of("/usr/bin/python3"), "python3");
        try (TestServer server = TestServer.start(data, c -> c.withWeb(c.web().withCapture(true)))) {
            var events = new java.util.concurrent.LinkedBlockingQueue<String>();
            http.sendAsync(HttpRequest.newBuilder(URI.create(server.webUrl() + "/api/v1/capture/events")).build(),
                    HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(events::add));
            assertThat(events.poll(10, TimeUnit.SECONDS)).as("stream opened").startsWith(": capture events");
            Path script = Files.writeString(data.resolve("client.py"), SCRIPT);
            Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(server.port()))
                    .redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(output).contains("sent");

            String list = awaitList(server, 2);
            String event;
            do {
                event = events.poll(10, TimeUnit.SECONDS);
            } while (event != null && !event.startsWith("data:"));
            assertThat(event).as("a server-sent event per message").contains("@example.test");
            assertThat(list).contains("bob@example.test", "ann@other.example", "carl@example.test");
            assertThat(list.indexOf("carl@example.test")).as("newest first").isLessThan(list.indexOf("bob@example.test"));
            assertThat(get(server, "/api/v1/capture/messages?q=ann").body()).contains("ann@other.example")
                    .doesNotContain("carl@example.test");

            String id = list.replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
            assertThat(get(server, "/api/v1/capture/messages/" + id + "/raw").body()).contains("Subject: second");
            assertThat(get(server, "/capture").body()).contains("new EventSource(\"/api/v1/capture/events\")");
            assertThat(get(server, "/api/v1/capture/messages/nope").statusCode()).isEqualTo(404);
            // The local postmaster still has its copy, so code under test can read it over IMAP or POP3.
            assertThat(server.awaitMessages("postmaster", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);

            assertThat(send(server, "DELETE", "/api/v1/capture/messages/" + id).statusCode()).isEqualTo(204);
            assertThat(get(server, "/api/v1/capture/messages").body()).contains("\"total\":1");
            assertThat(send(server, "DELETE", "/api/v1/capture/messages").body()).contains("\"deleted\":1");
            assertThat(get(server, "/api/v1/capture/messages").body()).contains("\"total\":0");
        }
    }

    private String awaitList(TestServer server, int count) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        String body;
        do {
            body = get(server, "/api/v1/capture/messages").body();
            if (body.contains("\"total\":" + count)) return body;
            Thread.sleep(50);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("expected " + count + " captured messages, got " + body);
    }

    private HttpResponse<String> get(TestServer server, String path) throws Exception {
        return send(server, "GET", path);
    }

    private HttpResponse<String> send(TestServer server, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.webUrl() + path)).method(method,
                HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
