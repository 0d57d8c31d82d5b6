package dev.tern.server;

import dev.tern.net.Cidr;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.FileDescriptorBudget;
import dev.tern.net.AcceptFailures;
import dev.tern.tls.TlsContext;
import dev.tern.sasl.Credentials;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Replies;
import dev.tern.smtp.SecurityProfile;
import dev.tern.smtp.SessionSettings;
import dev.tern.spool.Spool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listeners. Owns one platform thread per listening socket (the accept loop) and one virtual thread
 * per connection. {@link #start()} binds; {@link #close()} stops accepting, asks open sessions to end with
 * 421 and waits briefly for them.
 *
 * <p>Three kinds of listener, each with its {@link SecurityProfile}:
 * <ul>
 * <li>SMTP (port 25, RFC 5321): STARTTLS offered (RFC 3207); AUTH offered only over TLS, never required.
 * <li>Submission (port 587, RFC 6409): STARTTLS offered; AUTH required before MAIL (RFC 6409 §4.3).
 * <li>SMTPS (port 465, RFC 8314 §3.3): TLS from the first byte; AUTH required as on submission.
 * </ul>
 * AUTH without TLS is offered only where {@link ServerSettings#plaintextAuthOnLoopback()} allows it.
 *
 * <p>Sessions are limited in total by {@link ServerSettings#maxConnections()}, lowered to what the process's
 * file-descriptor limit leaves room for ({@link FileDescriptorBudget}, logged at start); a client over the limit
 * gets {@code 421 4.7.0} and a close instead of the greeting.
 *
 * <p>Submission (the submission and SMTPS listeners, and authenticated sessions on SMTP) is limited per hour
 * by {@link SubmissionLimits}, one count shared by all listeners, through a {@link RateLimitedPolicy} per
 * connection around the shared policy.
 */
public final class SmtpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    private static final byte[] BUSY = Replies.TOO_MANY_CONNECTIONS.wireBytes();
    private static final byte[] BUSY_FROM_ADDRESS = Replies.TOO_MANY_CONNECTIONS_FROM_ADDRESS.wireBytes();

    private enum Kind { SMTP, SUBMISSION, SMTPS }

    private record Listener(ServerSocket socket, Kind kind) {}

    private final ServerSettings server;
    private final SessionSettings session;
    private final RecipientPolicy policy;
    private final Spool spool;
    private final ConnectionLimiter limiter;
    private final List<Cidr> relayNetworks;
    private final SubmissionLimits submissionLimits;
    private final Function<InetAddress, Credentials> credentials;
    private final TlsHandshake handshake;
    private final List<Listener> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final ConcurrentHashMap<Connection, Thread> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closing;

    /**
     * All three kinds of listener. {@code credentials} gives each connection what AUTH checks against, given the
     * client's address (so failures can be limited per address); called once per connection that offers AUTH.
     */
    public SmtpServer(ServerSettings server, SessionSettings session, RecipientPolicy policy, Spool spool,
                      TlsContext tls, Function<InetAddress, Credentials> credentials) {
        if (server == null || session == null || policy == null || spool == null || tls == null || credentials == null) {
            throw new IllegalArgumentException("settings, policy, spool, TLS and credentials are required");
        }
        this.server = server;
        this.session = session;
        this.policy = policy;
        this.spool = spool;
        this.credentials = credentials;
        this.handshake = tls::handshake;
        this.relayNetworks = server.relayNetworks().stream().map(Cidr::parse).toList();
        this.limiter = new ConnectionLimiter(connectionLimit(server.maxConnections()), server.maxConnectionsPerIp(),
                server.exemptNetworks());
        this.submissionLimits = new SubmissionLimits(server.submissionLimits(), Clock.systemUTC());
    }

    /**
     * The configured limit, or fewer sessions where the descriptor limit would be reached first. Measured when
     * the server is made, after the spool, store and TLS files the rest of the server keeps open are open.
     */
    private static int connectionLimit(int configured) {
        Optional<FileDescriptorBudget> budget = FileDescriptorBudget.ofThisProcess();
        if (budget.isEmpty()) {
            log.info("connection limit={} (the file-descriptor limit is unknown here)", configured);
            return configured;
        }
        FileDescriptorBudget b = budget.get();
        int limit = b.connections(configured);
        String line = "connection limit={} configured={} fd_limit={} fd_open={} fd_reserve={}";
        if (limit < configured) {
            log.warn(line + ": lowered to fit the file-descriptor limit (raise it with ulimit -n or LimitNOFILE=)",
                    limit, configured, b.maxDescriptors(), b.openDescriptors(), b.reserve());
        } else {
            log.info(line, limit, configured, b.maxDescriptors(), b.openDescriptors(), b.reserve());
        }
        return limit;
    }

    /** Binds every listener and starts accepting. */
    public void start() throws IOException {
        bind(server.smtpListeners(), Kind.SMTP);
        bind(server.submissionListeners(), Kind.SUBMISSION);
        bind(server.smtpsListeners(), Kind.SMTPS);
    }

    private void bind(List<InetSocketAddress> addresses, Kind kind) throws IOException {
        String name = kind.name().toLowerCase(Locale.ROOT);
        for (InetSocketAddress address : addresses) {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(address, server.listenBacklog());
            listeners.add(new Listener(socket, kind));
            Thread acceptor = Thread.ofPlatform().name(name + "-accept-" + address).daemon(false)
                    .start(() -> acceptLoop(socket, kind));
            acceptors.add(acceptor);
            log.info("listening {}={}", name, socket.getLocalSocketAddress());
        }
    }

    /** The bound SMTP addresses, in the order of the settings (useful with port 0). */
    public List<InetSocketAddress> addresses() {
        return addresses(Kind.SMTP);
    }

    /** The bound submission addresses (RFC 6409). */
    public List<InetSocketAddress> submissionAddresses() {
        return addresses(Kind.SUBMISSION);
    }

    /** The bound SMTPS addresses (RFC 8314). */
    public List<InetSocketAddress> smtpsAddresses() {
        return addresses(Kind.SMTPS);
    }

    private List<InetSocketAddress> addresses(Kind kind) {
        return listeners.stream().filter(l -> l.kind() == kind)
                .map(l -> (InetSocketAddress) l.socket().getLocalSocketAddress()).toList();
    }

    /** How a connection on a {@code kind} listener from {@code client} is secured. */
    private SecurityProfile profile(Kind kind, InetAddress client) {
        // RFC 8314 §3 wants passwords encrypted; plaintext AUTH is a local convenience, off by default.
        boolean plaintext = server.plaintextAuthOnLoopback() && client.isLoopbackAddress();
        Credentials check = credentials.apply(client);
        return switch (kind) {
            case SMTP -> new SecurityProfile(true, false, true, plaintext, false, check);
            case SUBMISSION -> new SecurityProfile(true, false, true, plaintext, true, check);
            case SMTPS -> new SecurityProfile(false, true, true, plaintext, true, check);
        };
    }

    private void acceptLoop(ServerSocket listener, Kind kind) {
        AcceptFailures failures = new AcceptFailures(AcceptFailures.INTERVAL);
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closing) break;
                // Out of file descriptors (EMFILE) and the like: the client waits in the backlog. Back off rather
                // than spin, keep serving those connected, and say so once per interval rather than per failure.
                failures.failed(System.nanoTime()).ifPresent(count -> log.error(
                        "accept failed on {} ({} times since the last report, open sessions={}): {}",
                        listener.getLocalSocketAddress(), count, limiter.open(), e.toString()));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
            String id = Long.toString(ids.incrementAndGet(), 36);
            Thread.ofVirtual().name("smtp-" + id).start(() -> handle(id, socket, kind));
        }
    }

    private void handle(String id, Socket socket, Kind kind) {
        var client = socket.getInetAddress();
        log.info("conn={} connect client={} port={}", id, client.getHostAddress(), kind.name().toLowerCase(Locale.ROOT));
        switch (limiter.acquire(client)) {
            case TOO_MANY_TOTAL -> refuse(id, socket, BUSY);
            case TOO_MANY_FROM_ADDRESS -> refuse(id, socket, BUSY_FROM_ADDRESS);
            case ADMITTED -> {
                try {
                    // The shared policy, with the hourly limits of this client and listener (issue #3).
                    RecipientPolicy base = relayNetworks.stream().anyMatch(n -> n.contains(client))
                            ? new TrustedNetworkPolicy(policy) : policy;
                    var limited = new RateLimitedPolicy(id, base, submissionLimits, client, kind != Kind.SMTP,
                            !limiter.isExempt(client));
                    Connection connection = new Connection(id, socket, server, session, limited, spool,
                            profile(kind, client), handshake);
                    open.put(connection, Thread.currentThread());
                    try {
                        if (closing) connection.stop();
                        connection.serve();
                    } finally {
                        open.remove(connection);
                    }
                } catch (IOException e) {
                    log.info("conn={} disconnect reason=\"setup failed: {}\"", id, e.toString());
                } catch (RuntimeException e) {
                    log.error("conn={} disconnect reason=\"internal error during setup\"", id, e);
                } finally {
                    closeQuietly(socket); // serve() closed it already, unless setup failed before
                    limiter.release(client);
                }
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing twice or a broken socket: the descriptor is released either way.
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

    @Override
    public void close() {
        closing = true;
        for (Listener listener : listeners) {
            try {
                listener.socket().close();
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
