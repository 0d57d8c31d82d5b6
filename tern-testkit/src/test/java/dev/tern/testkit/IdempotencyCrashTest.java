package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idempotent HTTP submission whose server dies (halts, as a kill -9) at each step of the request: before the
 * spool's commit, and after it but before the idempotency entry says so and the client is answered. The client,
 * which got no answer, retries with the same {@code Idempotency-Key} against the restarted server: exactly one
 * message is delivered, and the retry of a committed message gets {@code 201} with its queue id.
 */
class IdempotencyCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient client = HttpClient.newHttpClient();
    private static final String BODY = "{\"from\":\"a@example.com\",\"to\":[\"frank@localhost\"],\"text\":\"exactly once\"}";

    @TempDir
    Path data;

    @Test
    void aCrashAfterTheCommitIsAnsweredOnRetryWithTheQueuedMessage() throws Exception {
        String key = apikey();
        crash("after-commit", key);
        // The message is in the spool, held, and the entry is pending: nothing said it was committed.
        assertThat(log()).anyMatch(l -> l.startsWith("P\t")).noneMatch(l -> l.startsWith("D\t"));

        TestServer server = TestServer.start(data);
        try {
            HttpResponse<String> retry = post(server.webPort(), key);
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            String id = JSON.readTree(retry.body()).get("id").asText();
            List<Path> delivered = server.awaitMessages("frank", "localhost", 1, Duration.ofSeconds(10));
            assertThat(delivered).hasSize(1);
            // The one delivered is the one the answer names, committed before the crash.
            assertThat(Files.readString(delivered.getFirst(), StandardCharsets.UTF_8)).contains("Message-ID: <" + id + "@");
            HttpResponse<String> again = post(server.webPort(), key);
            assertThat(again.statusCode()).isEqualTo(201);
            assertThat(again.body()).isEqualTo(retry.body());
            Thread.sleep(500); // a second copy would be delivered by now
            assertThat(server.newMessages("frank", "localhost")).hasSize(1);
        } finally {
            server.close();
        }
        assertThat(log()).anyMatch(l -> l.startsWith("D\t"));
    }

    @Test
    void aCrashBeforeTheCommitQueuesTheRetryOnce() throws Exception {
        String key = apikey();
        crash("before-commit", key);
        assertThat(log()).anyMatch(l -> l.startsWith("P\t")).noneMatch(l -> l.startsWith("D\t"));

        TestServer server = TestServer.start(data);
        try {
            HttpResponse<String> retry = post(server.webPort(), key);
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
            // Nothing was committed before the crash: this is the first answer, not a replay.
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
            String id = JSON.readTree(retry.body()).get("id").asText();
            List<Path> delivered = server.awaitMessages("frank", "localhost", 1, Duration.ofSeconds(10));
            assertThat(delivered).hasSize(1);
            assertThat(Files.readString(delivered.getFirst(), StandardCharsets.UTF_8)).contains("Message-ID: <" + id + "@");
            HttpResponse<String> again = post(server.webPort(), key);
            assertThat(again.statusCode()).isEqualTo(201);
            assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(again.body()).isEqualTo(retry.body());
            Thread.sleep(500); // a second copy would be delivered by now
            assertThat(server.newMessages("frank", "localhost")).hasSize(1);
        } finally {
            server.close();
        }
    }

    /** Posts the request to a server that halts at {@code step}: the client gets no answer, the process exits 137. */
    private void crash(String step, String key) throws Exception {
        Path log = data.resolve("crash-server.log");
        try (ServerProcess process = ServerProcess.start(IdempotencyCrashMain.class, List.of(data.toString(), step), log,
                Duration.ofSeconds(60))) {
            assertThatThrownBy(() -> post(process.port(), key)).isInstanceOf(IOException.class);
            assertThat(process.awaitExit(Duration.ofSeconds(30))).as("halted at " + step).isEqualTo(137);
        }
    }

    private List<String> log() throws IOException {
        return Files.readAllLines(data.resolve("web/idempotency"), StandardCharsets.UTF_8);
    }

    private String apikey() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "apikey", "add", "--data=" + data,
                "retrying")).as(err.toString()).isZero();
        return out.toString().trim();
    }

    private static HttpResponse<String> post(int port, String key) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/messages"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).header("Idempotency-Key", "order-4711")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
