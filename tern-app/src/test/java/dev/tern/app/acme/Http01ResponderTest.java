package dev.tern.app.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    /** The status line the responder sends for {@code request}, or empty when it closes without an answer. */
    private String statusLine(byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", responder.address().orElseThrow().getPort())) {
            socket.setSoTimeout(15_000);
            try {
                socket.getOutputStream().write(request);
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                return line == null ? "" : line;
            } catch (SocketException e) {
                return ""; // reset: closed without an answer
            }
        }
    }

    @Test
    void oversizedRequestHeadGetsNoAnswer() throws Exception {
        responder.offer("tok-1", "tok-1.thumbprint");
        String request = "GET /.well-known/acme-challenge/tok-1 HTTP/1.1\r\nHost: a.test\r\nX-Pad: " + "p".repeat(20_000)
                + "\r\n\r\n";

        assertThat(statusLine(request.getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(statusLine("GET /.well-known/acme-challenge/tok-1 HTTP/1.1\r\nHost: a.test\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII))).isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void slowClientIsCutOffAtTheRequestDeadline() throws Exception {
        responder.offer("tok-1", "tok-1.thumbprint");
        long start = System.nanoTime();
        boolean closed = false;
        try (Socket socket = new Socket("127.0.0.1", responder.address().orElseThrow().getPort())) {
            socket.setSoTimeout(250);
            OutputStream out = socket.getOutputStream();
            out.write("GET /.well-known/acme-challenge/tok-1 HTTP/1.1\r\nHost: a.test\r\n".getBytes(StandardCharsets.US_ASCII));
            // One header byte every 250 ms, never the end of the head: a slowloris, for at most 15 s.
            for (int i = 0; i < 60 && !closed; i++) {
                try {
                    out.write('X');
                    out.flush();
                    closed = socket.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    // nothing from the responder yet: send the next byte
                } catch (SocketException e) {
                    closed = true; // reset by the responder
                }
            }
        }
        assertThat(closed).as("closed by the responder").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(13));
    }
}
