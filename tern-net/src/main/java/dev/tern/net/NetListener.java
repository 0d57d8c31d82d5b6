package dev.tern.net;

import dev.tern.tls.TlsContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A protocol's listeners: one platform thread per listening socket accepts, one virtual thread per connection
 * runs the {@link ConnectionHandler}. Connections are limited in total (lowered to what the file-descriptor limit
 * leaves room for, {@link FileDescriptorBudget}) and per client address (exempt networks, loopback by default,
 * are not counted per address); a client over a limit gets the protocol's refusal line and a close.
 */
public final class NetListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetListener.class);
    private static final AtomicLong IDS = new AtomicLong();

    /**
     * @param name              for logs and threads ({@code imap}, {@code imaps}, {@code pop3}, ...)
     * @param addresses         where to listen (port 0: any free port, see {@link #addresses()})
     * @param implicitTls       TLS from the first octet (RFC 8314): the handshake precedes the handler
     * @param maxConnections    open connections at most (before the descriptor budget)
     * @param maxPerAddress     open connections per client address at most
     * @param exemptNetworks    CIDRs not limited per address
     * @param busy              the line sent to a client over the total limit (e.g. {@code * BYE Too many connections})
     * @param busyFromAddress   the line sent to a client over the per-address limit
     * @param handshakeTimeout  bounds an implicit-TLS handshake
     */
    public record Settings(String name, List<InetSocketAddress> addresses, boolean implicitTls, int maxConnections,
                           int maxPerAddress, List<String> exemptNetworks, String busy, String busyFromAddress,
                           Duration handshakeTimeout) {
        public Settings {
            if (name == null || name.isBlank() || addresses == null || exemptNetworks == null || busy == null
                    || busyFromAddress == null || handshakeTimeout == null) {
                throw new IllegalArgumentException("incomplete listener settings");
            }
            if (maxConnections < 1 || maxPerAddress < 1) throw new IllegalArgumentException("connection limits must be positive");
            addresses = List.copyOf(addresses);
            exemptNetworks = List.copyOf(exemptNetworks);
            exemptNetworks.forEach(Cidr::parse);
        }
    }

    private final Settings settings;
    private final TlsContext tls;
    private final ConnectionHandler handler;
    private final ConnectionLimiter limiter;
    private final List<ServerSocket> sockets = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final ConcurrentHashMap<NetConnection, Thread> open = new ConcurrentHashMap<>();
    private volatile boolean closing;

    public NetListener(Settings settings, TlsContext tls, ConnectionHandler handler) {
        if (settings == null || tls == null || handler == null) throw new IllegalArgumentException("settings, TLS and handler are required");
        this.settings = settings;
        this.tls = tls;
        this.handler = handler;
        this.limiter = new ConnectionLimiter(connectionLimit(settings.name(), settings.maxConnections()),
                settings.maxPerAddress(), settings.exemptNetworks());
    }

    private static int connectionLimit(String name, int configured) {
        Optional<FileDescriptorBudget> budget = FileDescriptorBudget.ofThisProcess();
        if (budget.isEmpty()) return configured;
        int limit = budget.get().connections(configured);
        if (limit < configured) {
            log.warn("{} connection limit={} configured={}: lowered to fit the file-descriptor limit", name, limit, configured);
        }
        return limit;
    }

    public String name() {
        return settings.name();
    }

    boolean isClosing() {
        return closing;
    }

    /** Binds every address and starts accepting. */
    public void start() throws IOException {
        for (InetSocketAddress address : settings.addresses()) {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(address, 1024);
            sockets.add(socket);
            acceptors.add(Thread.ofPlatform().name(settings.name() + "-accept-" + address).daemon(false)
                    .start(() -> acceptLoop(socket)));
            log.info("listening {}={}", settings.name(), socket.getLocalSocketAddress());
        }
    }

    /** The bound addresses, in the order of the settings. */
    public List<InetSocketAddress> addresses() {
        return sockets.stream().map(s -> (InetSocketAddress) s.getLocalSocketAddress()).toList();
    }

    /** Connections open now. */
    public int openConnections() {
        return limiter.open();
    }

    private void acceptLoop(ServerSocket listener) {
        AcceptFailures failures = new AcceptFailures(AcceptFailures.INTERVAL);
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closing) break;
                failures.failed(System.nanoTime()).ifPresent(count -> log.error(
                        "accept failed on {} ({} times since the last report, open={}): {}",
                        listener.getLocalSocketAddress(), count, limiter.open(), e.toString()));
                try {
                    Thread.sleep(100); // out of descriptors: the client waits in the backlog; back off, don't spin
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
            String id = settings.name().charAt(0) + Long.toString(IDS.incrementAndGet(), 36);
            Thread.ofVirtual().name(settings.name() + "-" + id).start(() -> handle(id, socket));
        }
    }

    private void handle(String id, Socket socket) {
        var client = socket.getInetAddress();
        log.info("conn={} connect client={} port={}", id, client.getHostAddress(), settings.name());
        switch (limiter.acquire(client)) {
            case TOO_MANY_TOTAL -> refuse(id, socket, settings.busy());
            case TOO_MANY_FROM_ADDRESS -> refuse(id, socket, settings.busyFromAddress());
            case ADMITTED -> {
                NetConnection connection = new NetConnection(id, socket, tls, this);
                open.put(connection, Thread.currentThread());
                try {
                    if (settings.implicitTls()) {
                        connection.readTimeout(settings.handshakeTimeout());
                        connection.startTls();
                    }
                    handler.serve(connection);
                    log.info("conn={} disconnect", id);
                } catch (IOException e) {
                    log.info("conn={} disconnect reason=\"{}\"", id, e.toString());
                } catch (RuntimeException e) {
                    log.error("conn={} disconnect reason=\"internal error\"", id, e);
                } finally {
                    open.remove(connection);
                    connection.close();
                    limiter.release(client);
                }
            }
        }
    }

    private static void refuse(String id, Socket socket, String line) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // The client is gone already; it was refused either way.
        }
        log.info("conn={} disconnect reason=\"refused: connection limit\"", id);
    }

    /**
     * Stops accepting; open connections see {@link NetConnection#closing()} and get up to {@code grace} to say
     * goodbye, then their sockets are closed under them.
     */
    public void close(Duration grace) {
        closing = true;
        for (ServerSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("closing {}: {}", socket, e.toString());
            }
        }
        for (Thread acceptor : acceptors) {
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (var entry : open.entrySet()) {
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (!entry.getValue().join(Duration.ofMillis(left))) entry.getKey().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                entry.getKey().close();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
