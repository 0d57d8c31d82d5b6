package dev.tern.app.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 8555 §8.3: the responder answers a pending token's key authorization and nothing else. */
class Http01ResponderTest {
    private final Http01Responder responder = new Http01Responder(new InetSocketAddress("127.0.0.1", 0));
    private final HttpClient client = HttpClient.newHttpClient();
    private String base;

    @BeforeEach
    void bind() throws Exception {
        responder.bind();
        base = "http://127.0.0.1:" + responder.address().orElseThrow().getPort();
    }

    @AfterEach
    void close() {
        responder.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersPendingTokenWithItsKeyAuthorization() throws Exception {
        responder.offer("tok-1", "tok-1.thumbprint");

        HttpResponse<String> response = send("GET", "/.well-known/acme-challenge/tok-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("tok-1.thumbprint");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
    }

    @Test
    void everythingElseIs404() throws Exception {
        responder.offer("tok-1", "tok-1.thumbprint");

        assertThat(send("GET", "/.well-known/acme-challenge/other").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/tok-1").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/.well-known/acme-challenge/tok-1").statusCode()).isEqualTo(404);
    }

    @Test
    void withdrawnTokenIs404() throws Exception {
        responder.offer("tok-1", "tok-1.thumbprint");
        responder.withdraw("tok-1");

        assertThat(send("GET", "/.well-known/acme-challenge/tok-1").statusCode()).isEqualTo(404);
    }
}
