package dev.tern.server;

import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Reply;
import dev.tern.smtp.SessionSettings;
import dev.tern.spool.Spool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listeners. Owns one platform thread per listening socket (the accept loop) and one virtual thread
 * per connection. {@link #start()} binds; {@link #close()} stops accepting, asks open sessions to end with
 * 421 and waits briefly for them.
 */
public final class SmtpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    private static final byte[] BUSY = Reply.of(421, "4.7.0", "Too many connections, try again later").wire()
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BUSY_FROM_ADDRESS = Reply.of(421, "4.7.0",
            "Too many connections from your address, try again later").wire().getBytes(StandardCharsets.US_ASCII);

    private final ServerSettings server;
    private final SessionSettings session;
    private final RecipientPolicy policy;
    private final Spool spool;
    private final ConnectionLimiter limiter;
    private final List<ServerSocket> sockets = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final ConcurrentHashMap<Connection, Thread> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closing;

    public SmtpServer(ServerSettings server, SessionSettings session, RecipientPolicy policy, Spool spool) {
        this.server = server;
        this.session = session;
        this.policy = policy;
        this.spool = spool;
        this.limiter = new ConnectionLimiter(server.maxConnections(), server.maxConnectionsPerIp(), server.exemptNetworks());
    }

    /** Binds every listener and starts accepting. */
    public void start() throws IOException {
        for (InetSocketAddress address : server.smtpListeners()) {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(address, server.listenBacklog());
            sockets.add(socket);
            Thread acceptor = Thread.ofPlatform().name("smtp-accept-" + address).daemon(false)
                    .start(() -> acceptLoop(socket));
            acceptors.add(acceptor);
            log.info("listening smtp={}", socket.getLocalSocketAddress());
        }
    }

    /** The bound addresses, in the order of the settings (useful with port 0). */
    public List<InetSocketAddress> addresses() {
        return sockets.stream().map(s -> (InetSocketAddress) s.getLocalSocketAddress()).toList();
    }

    private void acceptLoop(ServerSocket listener) {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closing) log.error("accept failed on {}: {}", listener.getLocalSocketAddress(), e.toString());
                continue;
            }
            String id = Long.toString(ids.incrementAndGet(), 36);
            Thread.ofVirtual().name("smtp-", ids.get()).start(() -> handle(id, socket));
        }
    }

    private void handle(String id, Socket socket) {
        var client = socket.getInetAddress();
        log.info("conn={} connect client={}", id, client.getHostAddress());
        switch (limiter.acquire(client)) {
            case TOO_MANY_TOTAL -> refuse(id, socket, BUSY);
            case TOO_MANY_FROM_ADDRESS -> refuse(id, socket, BUSY_FROM_ADDRESS);
            case ADMITTED -> {
                try {
                    Connection connection = new Connection(id, socket, server, session, policy, spool);
                    open.put(connection, Thread.currentThread());
                    try {
                        if (closing) connection.stop();
                        connection.serve();
                    } finally {
                        open.remove(connection);
                    }
                } catch (IOException e) {
                    log.info("conn={} disconnect reason=\"setup failed: {}\"", id, e.getMessage());
                } finally {
                    limiter.release(client);
                }
            }
        }
    }

    // RFC 5321 §3.1: a server that will not serve may answer 421 at once and close.
    private static void refuse(String id, Socket socket, byte[] reply) {
        try (socket) {
            socket.getOutputStream().write(reply);
        } catch (IOException e) {
            // The client is gone already; it was refused either way.
        }
        log.info("conn={} disconnect reason=\"refused: connection limit\"", id);
    }

    /** Sessions open right now. */
    public int openSessions() {
        return limiter.open();
    }

    @Override
    public void close() {
        closing = true;
        for (ServerSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                log.warn("closing listener failed: {}", e.toString());
            }
        }
        for (Thread acceptor : acceptors) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        open.keySet().forEach(Connection::stop);
        long until = System.nanoTime() + 5_000_000_000L;
        for (Thread thread : open.values()) {
            long left = until - System.nanoTime();
            if (left <= 0) break;
            try {
                thread.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
