package dev.tern.app.acme;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP-01 responder (RFC 8555 §8.3): a small plain-HTTP listener of its own (port 80 by default, where the CA
 * connects) that answers {@code GET /.well-known/acme-challenge/<token>} with the key authorization of a pending
 * challenge, and 404 for everything else. One request per connection, then close.
 *
 * <p>Port 80 faces the internet, so every connection is bounded: {@link #MAX_REQUEST} octets of request line and
 * headers, {@link #REQUEST_TIME} from accept to answer, {@link #MAX_CONNECTIONS} at once (more are closed at
 * accept). The JDK's HTTP server, used first, has no request deadline: a client sending one header byte a second
 * held its connection and thread for as long as it liked. Owns one virtual thread that accepts and one per
 * connection, until {@link #close()}. Thread-safe.
 */
final class Http01Responder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Http01Responder.class);
    static final String PREFIX = "/.well-known/acme-challenge/";
    static final int MAX_REQUEST = 8192;
    static final Duration REQUEST_TIME = Duration.ofSeconds(10);
    static final int MAX_CONNECTIONS = 64;
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};
    private static final byte[] LF_LF = {'\n', '\n'};

    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private final InetSocketAddress listen;
    private ServerSocket server;
    private Thread acceptor;

    Http01Responder(InetSocketAddress listen) {
        this.listen = listen;
    }

    /** Binds the listener unless it is bound already; a failure (port 80 without the privilege) is thrown. */
    synchronized void bind() throws IOException {
        if (server != null) return;
        ServerSocket bound = new ServerSocket();
        try {
            bound.setReuseAddress(true);
            bound.bind(listen, 16);
        } catch (IOException | RuntimeException e) {
            bound.close();
            throw e;
        }
        server = bound;
        acceptor = Thread.ofVirtual().name("acme-http01").start(() -> accept(bound));
        log.info("acme http-01 responder listening address={}", bound.getLocalSocketAddress());
    }

    /** Where it listens, once bound. */
    synchronized Optional<InetSocketAddress> address() {
        return server == null ? Optional.empty() : Optional.of((InetSocketAddress) server.getLocalSocketAddress());
    }

    void offer(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization);
    }

    void withdraw(String token) {
        answers.remove(token);
    }

    private void accept(ServerSocket bound) {
        while (!bound.isClosed()) {
            Socket socket;
            try {
                socket = bound.accept();
            } catch (IOException e) {
                if (!bound.isClosed()) log.warn("acme http-01 responder stopped accepting: {}", e.toString());
                return;
            }
            if (!connections.tryAcquire()) {
                closeQuietly(socket); // over the limit: the CA retries, a flood gets nothing
                continue;
            }
            open.add(socket);
            Thread.ofVirtual().name("acme-http01-conn").start(() -> {
                try (socket) {
                    serve(socket);
                } catch (IOException e) {
                    log.debug("acme http-01 connection ended: {}", e.toString());
                } finally {
                    open.remove(socket);
                    connections.release();
                }
            });
        }
    }

    private void serve(Socket socket) throws IOException {
        long deadline = System.nanoTime() + REQUEST_TIME.toNanos();
        Optional<String> head = readHead(socket, deadline);
        if (head.isEmpty()) return; // too slow or too long: closed without an answer
        String requestLine = head.get().lines().findFirst().orElse("");
        String[] parts = requestLine.split(" ", -1);
        OutputStream out = socket.getOutputStream();
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
            send(out, 400, "Bad Request", "bad request\n", false);
            return;
        }
        String method = parts[0];
        String path = parts[1];
        int query = path.indexOf('?');
        if (query >= 0) path = path.substring(0, query);
        boolean headOnly = method.equals("HEAD");
        String answer = path.startsWith(PREFIX) ? answers.get(path.substring(PREFIX.length())) : null;
        if (answer == null || !(method.equals("GET") || method.equals("HEAD"))) {
            send(out, 404, "Not Found", "not found\n", headOnly);
            return;
        }
        log.info("acme http-01 challenge answered token={} from={}", path.substring(PREFIX.length()),
                socket.getInetAddress().getHostAddress());
        send(out, 200, "OK", answer, headOnly);
    }

    /** The request line and headers (up to the empty line), or empty when over {@link #MAX_REQUEST} or too slow. */
    private static Optional<String> readHead(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] head = new byte[MAX_REQUEST + 1];
        int size = 0;
        while (size <= MAX_REQUEST) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return Optional.empty();
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(head, size, Math.min(1024, head.length - size));
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            if (n < 0) return Optional.empty();
            // Only where the new octets can complete an end of head: a client sending one octet at a time costs
            // one short scan per octet, not a copy and scan of all it sent so far.
            int from = Math.max(0, size - 3);
            size += n;
            int end = indexOf(head, from, size, CRLF_CRLF);
            if (end < 0) end = indexOf(head, from, size, LF_LF);
            if (end >= 0) return Optional.of(new String(head, 0, end, StandardCharsets.ISO_8859_1));
        }
        return Optional.empty();
    }

    /** Where {@code needle} first starts in {@code bytes[from, to)}, or -1. */
    private static int indexOf(byte[] bytes, int from, int to, byte[] needle) {
        for (int i = from; i + needle.length <= to; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) return i;
        }
        return -1;
    }

    private static void send(OutputStream out, int status, String reason, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        String headers = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + bytes.length + "\r\nConnection: close\r\n\r\n";
        out.write(headers.getBytes(StandardCharsets.US_ASCII));
        if (!head) out.write(bytes);
        out.flush();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("acme http-01 close failed: {}", e.toString()); // nothing more to do with a refused socket
        }
    }

    @Override
    public synchronized void close() {
        if (server == null) return;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("acme http-01 listener close failed: {}", e.toString()); // the port is released either way
        }
        for (Socket socket : open) closeQuietly(socket);
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        acceptor = null;
    }
}
