package dev.tern.testkit;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The MTA-STS policy host of the tests (RFC 8461 §3.3): the JDK's HTTPS server on 127.0.0.1 serving
 * {@code /.well-known/mta-sts.txt} with a chosen status, media type and body. Owns the server's threads until closed.
 */
final class PolicyServer implements AutoCloseable {
    private final HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile String type = "text/plain";
    private volatile String body = "";
    private volatile boolean chunked;
    private volatile String location;

    PolicyServer(SSLContext tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/.well-known/mta-sts.txt", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            if (location != null) exchange.getResponseHeaders().set("Location", location);
            // Length 0 makes the JDK's server use the chunked coding (RFC 9112 §7.1).
            exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    PolicyServer serve(String policy) {
        this.status = 200;
        this.body = policy;
        return this;
    }

    PolicyServer fail(int code) {
        this.status = code;
        this.body = "";
        return this;
    }

    PolicyServer type(String value) {
        this.type = value;
        return this;
    }

    /** Sends bodies in the chunked coding from now on. */
    PolicyServer chunked() {
        this.chunked = true;
        return this;
    }

    /** Answers with a redirect to {@code where}. */
    PolicyServer redirect(int code, String where) {
        this.status = code;
        this.location = where;
        this.body = "";
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
