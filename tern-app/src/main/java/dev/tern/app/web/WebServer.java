package dev.tern.app.web;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP(S) listeners of {@code web.listen}: the JDK's own HTTP server (HTTP/1.1 with keep-alive), each
 * exchange on a virtual thread, every request served by one {@link Router}. A listener on a loopback address
 * speaks plain HTTP unless {@code web.tls} says otherwise; any other speaks HTTPS with the server's certificates.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    /**
     * The JDK server's own limits, JVM-wide system properties it reads once; each set here unless the operator
     * set it ({@code -D...}): a request's head and body must arrive within 60 s (a client sending a byte now
     * and then cannot hold a connection), at most 100 header fields of 64 KiB in all, 1024 connections. And
     * TCP_NODELAY: the JDK's server sends a response's head and body in two writes, and under Nagle's algorithm
     * the body then waits for the client's delayed ACK of the head, ~40 ms on Linux, on every request of a
     * kept-alive connection (a Prometheus scrape took 45 ms instead of 3, bench/metrics-scrape.sh).
     */
    static final Map<String, String> LIMITS = Map.of(
            "sun.net.httpserver.maxReqTime", "60", // seconds
            "sun.net.httpserver.maxReqHeaders", "100",
            "sun.net.httpserver.maxReqHeaderSize", "65536",
            "jdk.httpserver.maxConnections", "1024",
            "sun.net.httpserver.nodelay", "true");

    static {
        LIMITS.forEach((key, value) -> {
            if (System.getProperty(key) == null) System.setProperty(key, value);
        });
    }

    private final List<HttpServer> servers;
    private final ExecutorService executor;
    private final Router router;

    private WebServer(List<HttpServer> servers, ExecutorService executor, Router router) {
        this.servers = servers;
        this.executor = executor;
        this.router = router;
    }

    /**
     * Binds every listener and starts serving {@code router}.
     *
     * @param tls the SSL context of an HTTPS listener, asked for again at each new connection so a renewed
     *            certificate is served without a restart
     */
    public static WebServer start(WebSettings settings, Router router, Supplier<SSLContext> tls) throws IOException {
        router.maxRequest(settings.maxRequest());
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("web-", 0).factory());
        List<HttpServer> servers = new ArrayList<>();
        try {
            for (InetSocketAddress address : settings.listen()) {
                HttpServer server;
                if (settings.https(address)) {
                    HttpsServer https = HttpsServer.create(address, 256);
                    // HttpsServer keeps its context for good: this one takes each connection's from tls.
                    https.setHttpsConfigurator(new HttpsConfigurator(CurrentSslContext.of(tls)) {
                        @Override
                        public void configure(HttpsParameters parameters) {
                            SSLContext context = tls.get();
                            var ssl = context.getDefaultSSLParameters();
                            ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                            parameters.setSSLParameters(ssl);
                        }
                    });
                    server = https;
                } else {
                    server = HttpServer.create(address, 256);
                }
                server.createContext("/", router::dispatch);
                server.setExecutor(executor);
                server.start();
                servers.add(server);
                log.info("web listening address={} {}", server.getAddress(), settings.https(address) ? "https" : "http");
            }
        } catch (IOException | RuntimeException e) {
            for (HttpServer s : servers) s.stop(0);
            executor.shutdownNow();
            router.closeResources();
            throw new IOException("cannot listen for HTTP: " + e.getMessage(), e);
        }
        return new WebServer(List.copyOf(servers), executor, router);
    }

    /** The bound addresses, in the order of {@code web.listen}. */
    public List<InetSocketAddress> addresses() {
        return servers.stream().map(HttpServer::getAddress).toList();
    }

    @Override
    public void close() {
        for (HttpServer server : servers) server.stop(0);
        executor.shutdownNow();
        router.closeResources();
    }
}
