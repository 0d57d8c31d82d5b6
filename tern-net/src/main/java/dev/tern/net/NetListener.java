package dev.tern.net;

import dev.tern.mail.Telemetry;
import dev.tern.tls.TlsContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
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
     * One listening socket.
     *
     * @param kind        what it serves, for logs and the handler ({@code imap}, {@code imaps}, {@code smtp}, ...)
     * @param address     where to listen (port 0: any free port, see {@link #addresses(String)})
     * @param implicitTls TLS from the first octet (RFC 8314): the listener makes the handshake before the handler
     */
    public record Endpoint(String kind, InetSocketAddress address, boolean implicitTls) {
        public Endpoint {
            if (kind == null || kind.isBlank() || address == null) throw new IllegalArgumentException("incomplete endpoint");
        }
    }

    /**
     * @param name             for logs and threads ({@code imap}, {@code pop3}, {@code smtp})
     * @param endpoints        the listening sockets, which share the limits
     * @param maxConnections   open connections at most (before the descriptor budget)
     * @param maxPerAddress    open connections per client address at most
     * @param exemptNetworks   CIDRs not limited per address
     * @param busy             the line sent to a client over the total limit (e.g. {@code * BYE Too many connections})
     * @param busyFromAddress  the line sent to a client over the per-address limit
     * @param handshakeTimeout bounds an implicit-TLS handshake
     * @param backlog          the accept queue length
     */
    public record Settings(String name, List<Endpoint> endpoints, int maxConnections, int maxPerAddress,
                           List<String> exemptNetworks, String busy, String busyFromAddress, Duration handshakeTimeout,
                           int backlog) {
        public Settings {
            if (name == null || name.isBlank() || endpoints == null || exemptNetworks == null || busy == null
                    || busyFromAddress == null || handshakeTimeout == null) {
                throw new IllegalArgumentException("incomplete listener settings");
            }
            if (maxConnections < 1 || maxPerAddress < 1 || backlog < 1) {
                throw new IllegalArgumentException("connection limits and backlog must be positive");
            }
            endpoints = List.copyOf(endpoints);
            exemptNetworks = List.copyOf(exemptNetworks);
            exemptNetworks.forEach(Cidr::parse);
        }

        /** Listeners of one kind, {@code name}, all plain or all implicit TLS. */
        public Settings(String name, List<InetSocketAddress> addresses, boolean implicitTls, int maxConnections,
                        int maxPerAddress, List<String> exemptNetworks, String busy, String busyFromAddress,
                        Duration handshakeTimeout) {
            this(name, addresses.stream().map(a -> new Endpoint(name, a, implicitTls)).toList(), maxConnections,
                    maxPerAddress, exemptNetworks, busy, busyFromAddress, handshakeTimeout, 1024);
        }
    }

    private record Bound(Endpoint endpoint, ServerSocket socket) {}

    private final Settings settings;
    private final TlsContext tls;
    private final ConnectionHandler handler;
    private final ConnectionLimiter limiter;
    private final Telemetry telemetry;
    private final List<Bound> bound = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final ConcurrentHashMap<NetConnection, Thread> open = new ConcurrentHashMap<>();
    private volatile boolean closing;

    public NetListener(Settings settings, TlsContext tls, ConnectionHandler handler) {
        this(settings, tls, handler, Telemetry.NONE);
    }

    /** As above; {@code telemetry} hears of each connection admitted and ended, and of each TLS handshake. */
    public NetListener(Settings settings, TlsContext tls, ConnectionHandler handler, Telemetry telemetry) {
        if (settings == null || tls == null || handler == null || telemetry == null) {
            throw new IllegalArgumentException("settings, TLS, handler and telemetry are required");
        }
        this.telemetry = telemetry;
        this.settings = settings;
        this.tls = tls;
        this.handler = handler;
        this.limiter = new ConnectionLimiter(connectionLimit(settings.name(), settings.maxConnections()),
                settings.maxPerAddress(), settings.exemptNetworks());
    }

    /**
     * The configured limit, or fewer connections where the descriptor limit would be reached first. Measured when
     * the listener is made, after the files the rest of the server keeps open are open.
     */
    private static int connectionLimit(String name, int configured) {
        Optional<FileDescriptorBudget> budget = FileDescriptorBudget.ofThisProcess();
        if (budget.isEmpty()) {
            log.info("{} connection limit={} (the file-descriptor limit is unknown here)", name, configured);
            return configured;
        }
        FileDescriptorBudget b = budget.get();
        int limit = b.connections(configured);
        String line = "{} connection limit={} configured={} fd_limit={} fd_open={} fd_reserve={}";
        if (limit < configured) {
            log.warn(line + ": lowered to fit the file-descriptor limit (raise it with ulimit -n or LimitNOFILE=)",
                    name, limit, configured, b.maxDescriptors(), b.openDescriptors(), b.reserve());
        } else {
            log.info(line, name, limit, configured, b.maxDescriptors(), b.openDescriptors(), b.reserve());
        }
        return limit;
    }

    public String name() {
        return settings.name();
    }

    boolean isClosing() {
        return closing;
    }

    /** Binds every endpoint and starts accepting. */
    public void start() throws IOException {
        for (Endpoint endpoint : settings.endpoints()) {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(endpoint.address(), settings.backlog());
            Bound b = new Bound(endpoint, socket);
            bound.add(b);
            acceptors.add(Thread.ofPlatform().name(endpoint.kind() + "-accept-" + endpoint.address()).daemon(false)
                    .start(() -> acceptLoop(b)));
            log.info("listening {}={}", endpoint.kind(), socket.getLocalSocketAddress());
        }
        Thread.ofVirtual().name(settings.name() + "-write-watchdog").start(this::watchWrites);
    }

    /** Closes connections whose write has blocked past its timeout (a client that stopped reading). */
    private void watchWrites() {
        while (!closing) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (NetConnection connection : open.keySet()) {
                if (connection.writeStuck(now)) {
                    log.info("conn={} disconnect reason=\"write timeout: the client stopped reading\"", connection.id());
                    connection.close();
                }
            }
        }
    }

    /** Every bound address, in the order of the settings (useful with port 0). */
    public List<InetSocketAddress> addresses() {
        return bound.stream().map(b -> (InetSocketAddress) b.socket().getLocalSocketAddress()).toList();
    }

    /** The bound addresses of one kind of endpoint. */
    public List<InetSocketAddress> addresses(String kind) {
        return bound.stream().filter(b -> b.endpoint().kind().equals(kind))
                .map(b -> (InetSocketAddress) b.socket().getLocalSocketAddress()).toList();
    }

    /** Connections open now. */
    public int openConnections() {
        return limiter.open();
    }

    /** The client is in an exempt network (no per-address limit; protocols may spare it other limits too). */
    public boolean isExempt(InetAddress client) {
        return limiter.isExempt(client);
    }

    private void acceptLoop(Bound b) {
        ServerSocket listener = b.socket();
        AcceptFailures failures = new AcceptFailures(AcceptFailures.INTERVAL);
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closing) break;
                failures.failed(System.nanoTime()).ifPresent(count -> log.error(
                        "accept failed on {} ({} times since the last report, open sessions={}): {}",
                        listener.getLocalSocketAddress(), count, limiter.open(), e.toString()));
                try {
                    Thread.sleep(100); // out of descriptors: the client waits in the backlog; back off, don't spin
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
            String id = Long.toString(IDS.incrementAndGet(), 36);
            Thread.ofVirtual().name(b.endpoint().kind() + "-" + id).start(() -> handle(id, socket, b.endpoint()));
        }
    }

    private void handle(String id, Socket socket, Endpoint endpoint) {
        var client = socket.getInetAddress();
        log.info("conn={} connect client={} port={}", id, client.getHostAddress(), endpoint.kind());
        switch (limiter.acquire(client)) {
            case TOO_MANY_TOTAL -> refuse(id, socket, endpoint, settings.busy());
            case TOO_MANY_FROM_ADDRESS -> refuse(id, socket, endpoint, settings.busyFromAddress());
            case ADMITTED -> {
                NetConnection connection = new NetConnection(id, socket, tls, this, endpoint.kind(), telemetry);
                open.put(connection, Thread.currentThread());
                telemetry.connectionOpened(endpoint.kind());
                try {
                    if (endpoint.implicitTls()) {
                        connection.readTimeout(settings.handshakeTimeout());
                        connection.startTls();
                    }
                    handler.serve(connection);
                } catch (IOException e) {
                    log.info("conn={} disconnect reason=\"{}\"", id, e.toString());
                } catch (RuntimeException e) {
                    log.error("conn={} disconnect reason=\"internal error\"", id, e);
                } finally {
                    open.remove(connection);
                    connection.close();
                    limiter.release(client);
                    telemetry.connectionClosed(endpoint.kind());
                }
            }
        }
    }

    /** Refuses the connection over a connection limit with {@code line}, counted for its listener. */
    private void refuse(String id, Socket socket, Endpoint endpoint, String line) {
        telemetry.connectionRefused(endpoint.kind());
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
     * Stops accepting and asks open connections to end: {@link NetConnection#closing()} turns true and their input
     * is shut, so a blocked read returns end-of-stream and the loop can say goodbye (SMTP's 421, IMAP's BYE);
     * those not done within {@code grace} have their sockets closed under them.
     */
    public void close(Duration grace) {
        stopAccepting();
        open.keySet().forEach(NetConnection::shutdownInput);
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

    /**
     * Closes the listening sockets and waits for the accept threads: no connection is admitted after this returns
     * (those admitted see {@link NetConnection#closing()}). Idempotent.
     */
    public synchronized void stopAccepting() {
        if (closing) return;
        closing = true;
        for (Bound b : bound) {
            try {
                b.socket().close();
            } catch (IOException e) {
                log.warn("closing listener {} failed: {}", b.endpoint().address(), e.toString());
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
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
