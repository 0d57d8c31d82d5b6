package dev.tern.server;

import dev.tern.net.Cidr;
import dev.tern.net.NetConnection;
import dev.tern.mail.Telemetry;
import dev.tern.net.NetListener;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listeners, on tern-net's {@link NetListener} (one platform thread per listening socket accepts, one
 * virtual thread per connection serves). {@link #start()} binds; {@link #close()} stops accepting, asks open sessions to end with
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
 * file-descriptor limit leaves room for (tern-net's {@code FileDescriptorBudget}, logged at start); a client over the limit
 * gets {@code 421 4.7.0} and a close instead of the greeting.
 *
 * <p>Submission (the submission and SMTPS listeners, and authenticated sessions on SMTP) is limited per hour
 * by {@link SubmissionLimits}, one count shared by all listeners, through a {@link RateLimitedPolicy} per
 * connection around the shared policy.
 */
public final class SmtpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    private enum Kind { SMTP, SUBMISSION, SMTPS }

    private final ServerSettings server;
    private final SessionSettings session;
    private final RecipientPolicy policy;
    private final Spool spool;
    private final List<Cidr> relayNetworks;
    private final SubmissionLimits submissionLimits;
    private final Function<InetAddress, Credentials> credentials;
    private final TlsHandshake handshake;
    private final NetListener listener;
    private final MessageInspector inspector;
    private final Optional<Dnsbl> dnsbl;
    private final Telemetry telemetry;
    private final ConcurrentHashMap<Connection, Boolean> open = new ConcurrentHashMap<>();

    /**
     * All three kinds of listener. {@code credentials} gives each connection what AUTH checks against, given the
     * client's address (so failures can be limited per address); called once per connection that offers AUTH.
     */
    public SmtpServer(ServerSettings server, SessionSettings session, RecipientPolicy policy, Spool spool,
                      TlsContext tls, Function<InetAddress, Credentials> credentials) {
        this(server, session, policy, spool, tls, credentials, MessageInspector.NONE, Optional.empty());
    }

    /** As the other constructors, with {@code inspector} checking each message's content (issue 9). */
    public SmtpServer(ServerSettings server, SessionSettings session, RecipientPolicy policy, Spool spool,
                      TlsContext tls, Function<InetAddress, Credentials> credentials, MessageInspector inspector) {
        this(server, session, policy, spool, tls, credentials, inspector, Optional.empty());
    }

    /** As the other constructors, with DNS blocklists at connect (see the next one). */
    public SmtpServer(ServerSettings server, SessionSettings session, RecipientPolicy policy, Spool spool,
                      TlsContext tls, Function<InetAddress, Credentials> credentials, Optional<Dnsbl> dnsbl) {
        this(server, session, policy, spool, tls, credentials, MessageInspector.NONE, dnsbl);
    }

    /**
     * {@code inspector} checks each message's content (issue 9); with {@code dnsbl}, clients of the SMTP (MX)
     * listeners are checked against its blocklists when they connect, and a listed one gets a 554 greeting (never on
     * submission or SMTPS: those clients authenticate).
     */
    public SmtpServer(ServerSettings server, SessionSettings session, RecipientPolicy policy, Spool spool,
                      TlsContext tls, Function<InetAddress, Credentials> credentials, MessageInspector inspector,
                      Optional<Dnsbl> dnsbl) {
        this(server, session, policy, spool, tls, credentials, inspector, dnsbl, Telemetry.NONE);
    }

    /** As above; {@code telemetry} hears of connections, TLS handshakes, accepted messages and refusals. */
    public SmtpServer(ServerSettings server, SessionSettings session, RecipientPolicy policy, Spool spool,
                      TlsContext tls, Function<InetAddress, Credentials> credentials, MessageInspector inspector,
                      Optional<Dnsbl> dnsbl, Telemetry telemetry) {
        if (telemetry == null) throw new IllegalArgumentException("telemetry is required");
        this.telemetry = telemetry;
        if (server == null || session == null || policy == null || spool == null || tls == null || credentials == null
                || inspector == null || dnsbl == null) {
            throw new IllegalArgumentException("settings, policy, spool, TLS, credentials and inspector are required");
        }
        this.inspector = inspector;
        this.server = server;
        this.session = session;
        this.policy = policy;
        this.spool = spool;
        this.credentials = credentials;
        this.dnsbl = dnsbl;
        this.handshake = tls::handshake;
        this.relayNetworks = server.relayNetworks().stream().map(Cidr::parse).toList();
        this.submissionLimits = new SubmissionLimits(server.submissionLimits(), Clock.systemUTC());
        List<NetListener.Endpoint> endpoints = new ArrayList<>();
        // SMTPS too is plain to the listener: the connection makes its own handshake (SecurityProfile).
        server.smtpListeners().forEach(a -> endpoints.add(new NetListener.Endpoint(name(Kind.SMTP), a, false)));
        server.submissionListeners().forEach(a -> endpoints.add(new NetListener.Endpoint(name(Kind.SUBMISSION), a, false)));
        server.smtpsListeners().forEach(a -> endpoints.add(new NetListener.Endpoint(name(Kind.SMTPS), a, false)));
        // RFC 5321 §3.1: a server that will not serve may answer 421 at once and close.
        this.listener = new NetListener(new NetListener.Settings("smtp", endpoints, server.maxConnections(),
                server.maxConnectionsPerIp(), server.exemptNetworks(), line(Replies.TOO_MANY_CONNECTIONS),
                line(Replies.TOO_MANY_CONNECTIONS_FROM_ADDRESS), Duration.ofSeconds(30), server.listenBacklog()),
                tls, this::serve, telemetry);
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String line(dev.tern.smtp.Reply reply) {
        String wire = new String(reply.wireBytes(), StandardCharsets.US_ASCII);
        return wire.endsWith("\r\n") ? wire.substring(0, wire.length() - 2) : wire;
    }

    /** Binds every listener and starts accepting. */
    public void start() throws IOException {
        listener.start();
    }

    /** The bound SMTP addresses, in the order of the settings (useful with port 0). */
    public List<InetSocketAddress> addresses() {
        return listener.addresses(name(Kind.SMTP));
    }

    /** The bound submission addresses (RFC 6409). */
    public List<InetSocketAddress> submissionAddresses() {
        return listener.addresses(name(Kind.SUBMISSION));
    }

    /** The bound SMTPS addresses (RFC 8314). */
    public List<InetSocketAddress> smtpsAddresses() {
        return listener.addresses(name(Kind.SMTPS));
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

    private void serve(NetConnection accepted) throws IOException {
        Kind kind = Kind.valueOf(accepted.listener().toUpperCase(Locale.ROOT));
        InetAddress client = accepted.client();
        // The shared policy, with the hourly limits of this client and listener (issue #3).
        boolean trusted = relayNetworks.stream().anyMatch(n -> n.contains(client));
        RecipientPolicy base = trusted ? new TrustedNetworkPolicy(policy) : policy;
        var limited = new RateLimitedPolicy(accepted.id(), base, submissionLimits, client, kind != Kind.SMTP,
                !listener.isExempt(client));
        Connection connection = new Connection(accepted.id(), accepted.plainSocket(), server, session, limited, spool,
                profile(kind, client), handshake, inspector, kind != Kind.SMTP, trusted,
                kind == Kind.SMTP ? refusal(accepted.id(), client) : Optional.empty(), accepted.listener(), telemetry);
        open.put(connection, Boolean.TRUE);
        try {
            if (accepted.closing()) connection.stop();
            connection.serve();
        } finally {
            open.remove(connection);
        }
    }

    /** The 554 greeting for a blocklisted client of the MX listener (before any byte is read), if it is listed. */
    private Optional<dev.tern.smtp.Reply> refusal(String id, InetAddress client) {
        if (dnsbl.isEmpty()) return Optional.empty();
        return switch (dnsbl.get().check(id, client)) {
            case Dnsbl.Listing.Clear c -> Optional.empty();
            case Dnsbl.Listing.Listed listed -> {
                log.info("conn={} refused client={} dnsbl={}", id, client.getHostAddress(), listed.zone().name().name());
                yield Optional.of(Dnsbl.greeting(listed, client));
            }
        };
    }

    /**
     * Stops accepting, asks open sessions to end with 421 at their next command (RFC 5321 §3.8) and waits up to
     * five seconds for them.
     */
    @Override
    public void close() {
        listener.stopAccepting();
        open.keySet().forEach(Connection::stop); // before the listener shuts input, so each session knows why
        listener.close(Duration.ofSeconds(5));
    }
}
