package dev.tern.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A loopback server that runs {@link TlsContext#handshake} on each accepted connection (one virtual thread each)
 * and a JSSE client that trusts any certificate and reports what the server presented.
 */
final class TlsPeer implements AutoCloseable {
    private final TlsContext context;
    private final ServerSocket listener;
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();

    /** What the client saw. */
    record Seen(String protocol, String cipherSuite, X509Certificate leaf) {}

    private final int serverTimeoutMillis;

    TlsPeer(TlsContext context) throws IOException {
        this(context, 10_000);
    }

    /** {@code serverTimeoutMillis}: the SO_TIMEOUT the server sets before the handshake, as the connection does. */
    TlsPeer(TlsContext context, int serverTimeoutMillis) throws IOException {
        this.context = context;
        this.serverTimeoutMillis = serverTimeoutMillis;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tls-test-accept").start(this::accept);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket plain = listener.accept();
                Thread.ofVirtual().start(() -> serve(plain));
            } catch (SocketException closed) {
                return; // close() was called
            } catch (IOException e) {
                outcomes.add(e);
            }
        }
    }

    private void serve(Socket plain) {
        try {
            plain.setSoTimeout(serverTimeoutMillis);
            try (SSLSocket tls = context.handshake(plain)) {
                tls.getOutputStream().write('+');
                tls.getOutputStream().flush();
                outcomes.add(tls.getSession().getProtocol());
            }
        } catch (IOException | RuntimeException e) {
            outcomes.add(e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next server-side outcome: the negotiated protocol, or the exception handshake() threw. */
    Object serverOutcome() throws InterruptedException {
        Object outcome = outcomes.poll(10, TimeUnit.SECONDS);
        if (outcome == null) {
            throw new AssertionError("no server outcome within 10 s");
        }
        return outcome;
    }

    Seen connect(Optional<String> sni) throws IOException {
        return connect(sni, List.of(), List.of());
    }

    Seen connect(Optional<String> sni, List<String> protocols, List<String> suites) throws IOException {
        try (SSLSocket socket = (SSLSocket) client().getSocketFactory().createSocket(
                InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(sni.map(name -> List.<javax.net.ssl.SNIServerName>of(new SNIHostName(name)))
                    .orElse(List.of()));
            if (!protocols.isEmpty()) {
                parameters.setProtocols(protocols.toArray(String[]::new));
            }
            if (!suites.isEmpty()) {
                parameters.setCipherSuites(suites.toArray(String[]::new));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (socket.getInputStream().read() != '+') {
                throw new IOException("server did not answer after the handshake");
            }
            var session = socket.getSession();
            return new Seen(session.getProtocol(), session.getCipherSuite(),
                    (X509Certificate) session.getPeerCertificates()[0]);
        }
    }

    static SSLContext client() {
        try {
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new javax.net.ssl.TrustManager[] {new TrustAnything()}, null);
            return client;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    /** Tests look at the presented certificate themselves; trust is not what they test. */
    static final class TrustAnything extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
