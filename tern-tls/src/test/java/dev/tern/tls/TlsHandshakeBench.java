package dev.tern.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Full TLS 1.3 handshakes per second over loopback, server and client in this JVM, with the self-signed EC P-256
 * certificate. Every client session is invalidated so none is resumed. Not a test; run by hand:
 * <pre>
 * ./mvnw -q -o -pl tern-server test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/tern-cp.txt -Dmdep.includeScope=test
 * java -cp tern-server/target/test-classes:tern-server/target/classes:$(cat /tmp/tern-cp.txt) \
 *     dev.tern.tls.TlsHandshakeBench [handshakes=5000] [clientThreads=4]
 * </pre>
 * Both sides set TCP_NODELAY, as the connection does; {@code -Dnagle=true} leaves Nagle on, which costs about 4x
 * here (the last handshake flight waits for a delayed ACK).
 */
public final class TlsHandshakeBench {
    private static final boolean NO_DELAY = !Boolean.getBoolean("nagle");

    public static void main(String[] args) throws Exception {
        int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path data = Files.createTempDirectory("tern-tls-bench");
        TlsContext context = TlsContext.open(TlsSettings.defaults(), data, "bench.tern.test");
        AtomicInteger serverFailures = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> accept(listener, context, serverFailures));
            SSLContext client = TlsPeer.client();
            run(client, listener.getLocalPort(), Math.max(500, handshakes / 5), threads); // warm-up: JIT
            long start = System.nanoTime();
            String protocol = run(client, listener.getLocalPort(), handshakes, threads);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d full %s handshakes (EC P-256), %d client threads, %d cores: %.2f s, %.0f handshakes/s,"
                    + " server failures %d%n", handshakes, protocol, threads, Runtime.getRuntime().availableProcessors(),
                    seconds, handshakes / seconds, serverFailures.get());
        }
    }

    private static String run(SSLContext client, int port, int handshakes, int threads) throws Exception {
        AtomicInteger remaining = new AtomicInteger(handshakes);
        List<Callable<String>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(() -> {
                String protocol = "";
                while (remaining.getAndDecrement() > 0) {
                    protocol = connect(client, port);
                }
                return protocol;
            });
        }
        String protocol = "";
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (Future<String> result : pool.invokeAll(workers)) {
                protocol = result.get();
            }
        }
        return protocol;
    }

    private static String connect(SSLContext client, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(NO_DELAY);
            socket.startHandshake();
            if (socket.getInputStream().read() != '+') {
                throw new IOException("no answer after the handshake");
            }
            socket.getSession().invalidate(); // measure full handshakes, not resumptions
            return socket.getSession().getProtocol();
        }
    }

    private static void accept(ServerSocket listener, TlsContext context, AtomicInteger failures) {
        while (true) {
            Socket plain;
            try {
                plain = listener.accept();
            } catch (SocketException closed) {
                return; // the benchmark is over
            } catch (IOException e) {
                failures.incrementAndGet();
                continue;
            }
            Thread.ofVirtual().start(() -> {
                try (Socket s = plain) {
                    s.setSoTimeout(10_000);
                    s.setTcpNoDelay(NO_DELAY);
                    SSLSocket tls = context.handshake(s);
                    tls.getOutputStream().write('+');
                    tls.getOutputStream().flush();
                    tls.close();
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            });
        }
    }

    private TlsHandshakeBench() {}
}
