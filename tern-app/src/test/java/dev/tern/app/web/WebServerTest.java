package dev.tern.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The web listener over a real loopback socket with the JDK's HTTP client: routing, errors, limits. */
class WebServerTest {
    record Echo(String name, int count) {}

    private WebServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private String base;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router()
                .get("/api/v1/things/{id}", e -> e.json(200, Map.of("id", e.parameter("id"))))
                .delete("/api/v1/things/{id}", e -> e.empty(204))
                .post("/api/v1/echo", e -> e.json(201, e.json(Echo.class)))
                .get("/files/*", e -> e.text(200, "rest=" + e.parameter("*")))
                .get("/fail", e -> { throw new IllegalStateException("secret detail"); })
                .get("/limited", e -> { throw HttpError.rateLimited("slow down", 7); })
                .get("/disk", e -> { throw new java.io.IOException("secret detail: fsync failed"); })
                .get("/paged", e -> e.text(200, "limit=" + e.queryInt("limit", 50, 1, 500)));
        WebSettings settings = WebSettings.defaults().withListen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .withMaxRequest(2048);
        server = WebServer.start(settings, router, () -> { throw new AssertionError("no TLS on loopback"); });
        base = "http://127.0.0.1:" + server.addresses().getFirst().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)));
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).get("error");
    }

    @ParameterizedTest
    @CsvSource({
            "/api/v1/things/42, 200, {\"id\":\"42\"}",
            "/api/v1/things/42/, 200, {\"id\":\"42\"}",
            "/files/a/b/c.txt, 200, rest=a/b/c.txt",
            "/paged, 200, limit=50",
            "/paged?limit=7, 200, limit=7",
    })
    void routesMatchLiteralParameterAndRestSegments(String path, int status, String body) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @ParameterizedTest
    @CsvSource({
            "/nowhere, 404, not_found",
            "/api/v1/things, 404, not_found",
            "/api/v1/things/1/more, 404, not_found",
            "/paged?limit=0, 400, bad_request",
            "/paged?limit=x, 400, bad_request",
            "/fail, 500, internal",
            "/limited, 429, rate_limited",
            "/disk, 503, unavailable",
    })
    void failuresAreJsonErrorsWithoutDetail(String path, int status, String code) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(error(response).get("code").asText()).isEqualTo(code);
        assertThat(response.body()).doesNotContain("secret detail").doesNotContain("Exception");
    }

    @Test
    void aBadQueryValueNamesItsField() throws Exception {
        assertThat(error(get("/paged?limit=9999")).get("field").asText()).isEqualTo("limit");
    }

    @Test
    void rateLimitSaysWhenToRetry() throws Exception {
        assertThat(get("/limited").headers().firstValue("Retry-After")).hasValue("7");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/things/1"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD");
    }

    @Test
    void headAnswersHeadersOfGet() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/things/9"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void jsonBodyIsReadStrictly() throws Exception {
        HttpResponse<String> ok = post("/api/v1/echo", "{\"name\":\"a\",\"count\":2}", "application/json");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.body()).isEqualTo("{\"name\":\"a\",\"count\":2}");

        HttpResponse<String> unknown = post("/api/v1/echo", "{\"name\":\"a\",\"count\":1,\"colour\":1}", "application/json");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(error(unknown).get("field").asText()).isEqualTo("colour");

        HttpResponse<String> wrongType = post("/api/v1/echo", "{\"name\":\"a\",\"count\":\"many\"}", "application/json");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(error(wrongType).get("field").asText()).isEqualTo("count");

        HttpResponse<String> broken = post("/api/v1/echo", "{\"name\":", "application/json");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(error(broken).get("code").asText()).isEqualTo("bad_request");

        HttpResponse<String> text = post("/api/v1/echo", "{}", "text/plain");
        assertThat(text.statusCode()).isEqualTo(415);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        HttpResponse<String> response = post("/api/v1/echo", "{\"name\":\"" + "x".repeat(4096) + "\",\"count\":1}",
                "application/json");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(error(response).get("code").asText()).isEqualTo("too_large");
    }

    @Test
    void deleteWithoutBodyIs204() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/things/3")).DELETE());
        assertThat(response.statusCode()).isEqualTo(204);
    }

    private HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** What the JDK server answers to a raw request head, up to 2 KiB of it; "" when it closes without a word. */
    private String raw(String head) throws Exception {
        URI uri = URI.create(base);
        try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            } catch (java.io.IOException closedWhileSending) {
                // refused before the whole head was sent
            }
            byte[] answer = socket.getInputStream().readNBytes(2048);
            return new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException reset) {
            return "";
        }
    }

    @Test
    void requestHeadsBeyondTheLimitsAreRefused() throws Exception {
        assertThat(raw("GET /paged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        StringBuilder many = new StringBuilder("GET /paged HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 150; i++) many.append("X-Field-").append(i).append(": v\r\n");
        assertThat(raw(many + "\r\n")).doesNotStartWith("HTTP/1.1 200");
        String big = "GET /paged HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n";
        assertThat(raw(big)).doesNotStartWith("HTTP/1.1 200");
        assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isEqualTo("60");
        assertThat(System.getProperty("jdk.httpserver.maxConnections")).isEqualTo("1024");
    }
}
