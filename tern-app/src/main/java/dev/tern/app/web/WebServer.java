package dev.tern.app.web;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
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

    private final List<HttpServer> servers;
    private final ExecutorService executor;

    private WebServer(List<HttpServer> servers, ExecutorService executor) {
        this.servers = servers;
        this.executor = executor;
    }

    /**
     * Binds every listener and starts serving {@code router}.
     *
     * @param tls the SSL context of an HTTPS listener, asked for again at each new connection so a renewed
     *            certificate is served without a restart
     */
    public static WebServer start(WebSettings settings, Router router, Supplier<SSLContext> tls) throws IOException {
        router.maxRequest(settings.maxRequest());
        // The JDK's server sends a response's head and body in two writes; under Nagle's algorithm the body then
        // waits for the client's delayed ACK of the head, ~40 ms on Linux, on every request of a kept-alive
        // connection (a Prometheus scrape took 45 ms instead of 3, bench/metrics-scrape.sh). Read once by the JDK,
        // when its first HTTP server is made; an explicit -D setting stands.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("web-", 0).factory());
        List<HttpServer> servers = new ArrayList<>();
        try {
            for (InetSocketAddress address : settings.listen()) {
                HttpServer server;
                if (settings.https(address)) {
                    HttpsServer https = HttpsServer.create(address, 256);
                    https.setHttpsConfigurator(new HttpsConfigurator(tls.get()) {
                        @Override
                        public SSLContext getSSLContext() {
                            return tls.get(); // asked per connection: a swapped certificate serves at once
                        }

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
            throw new IOException("cannot listen for HTTP: " + e.getMessage(), e);
        }
        return new WebServer(List.copyOf(servers), executor);
    }

    /** The bound addresses, in the order of {@code web.listen}. */
    public List<InetSocketAddress> addresses() {
        return servers.stream().map(HttpServer::getAddress).toList();
    }

    @Override
    public void close() {
        for (HttpServer server : servers) server.stop(0);
        executor.shutdownNow();
    }
}
