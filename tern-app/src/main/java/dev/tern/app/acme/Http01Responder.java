package dev.tern.app.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP-01 responder (RFC 8555 §8.3): a small plain-HTTP listener of its own (port 80 by default, where the CA
 * connects) that answers {@code GET /.well-known/acme-challenge/<token>} with the key authorization of a pending
 * challenge, and 404 for everything else. The JDK's HTTP server, one virtual thread per exchange; it owns those
 * threads until {@link #close()}. Thread-safe.
 */
final class Http01Responder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Http01Responder.class);
    static final String PREFIX = "/.well-known/acme-challenge/";

    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final InetSocketAddress listen;
    private HttpServer server;
    private ExecutorService executor;

    Http01Responder(InetSocketAddress listen) {
        this.listen = listen;
    }

    /** Binds the listener unless it is bound already; a failure (port 80 without the privilege) is thrown. */
    synchronized void bind() throws IOException {
        if (server != null) return;
        HttpServer bound = HttpServer.create(listen, 16);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        bound.setExecutor(executor);
        bound.createContext("/", this::handle);
        bound.start();
        server = bound;
        log.info("acme http-01 responder listening address={}", bound.getAddress());
    }

    /** Where it listens, once bound. */
    synchronized Optional<InetSocketAddress> address() {
        return server == null ? Optional.empty() : Optional.of(server.getAddress());
    }

    void offer(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization);
    }

    void withdraw(String token) {
        answers.remove(token);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            String answer = path.startsWith(PREFIX) ? answers.get(path.substring(PREFIX.length())) : null;
            if (answer == null || !(method.equals("GET") || method.equals("HEAD"))) {
                send(exchange, 404, "not found\n", method);
                return;
            }
            log.info("acme http-01 challenge answered token={} from={}", path.substring(PREFIX.length()),
                    exchange.getRemoteAddress().getAddress().getHostAddress());
            send(exchange, 200, answer, method);
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String method) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (head) return;
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public synchronized void close() {
        if (server == null) return;
        server.stop(0);
        executor.close();
        server = null;
    }
}
