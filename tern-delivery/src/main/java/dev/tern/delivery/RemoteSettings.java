package dev.tern.delivery;

import dev.tern.dns.DnsSettings;
import dev.tern.delivery.route.IpPreference;
import dev.tern.delivery.route.RouteTarget;
import dev.tern.mail.Domain;
import dev.tern.smtp.client.ClientAuth;
import dev.tern.smtp.client.TlsPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How mail leaves for other servers. Immutable; {@link #defaults()} deliver over MX to port 25.
 *
 * @param port              the SMTP port of remote servers (default 25, as Postfix's {@code smtp_tcp_port}); a
 *                          route or relay host may name its own
 * @param heloName          the name Tern gives in EHLO (default: the server's hostname)
 * @param tls               STARTTLS: opportunistic by default (a failed handshake retries in plaintext, as
 *                          Postfix does), or required
 * @param relayHost         all non-local mail to this next hop (Postfix's {@code relayhost}), when present
 * @param relayAuth         AUTH PLAIN for the relay host (over TLS only)
 * @param routes            per-domain next hops ({@code example.net: "[192.0.2.7]:25"}; brackets: no MX lookup)
 * @param connectTimeout    to open a TCP connection (Postfix: 30 s)
 * @param commandTimeout    for each reply (RFC 5321 §4.5.3.2: 5 minutes for most; Tern one value for all
 *                          commands)
 * @param dataTimeout       for the reply to the end of data (RFC 5321 §4.5.3.2.6: 10 minutes)
 * @param maxConnections    outbound connections at once, all destinations
 * @param maxPerDestination connections at once to one destination (Postfix: 20)
 * @param downFor           how long a destination whose hosts could not be reached is left alone: its mail is
 *                          deferred without new connections until then
 * @param dns               the resolvers to ask (default: the system's)
 * @param ipPreference      which address families to connect to ({@code BOTH}: IPv4 first)
 * @param tlsPolicies       per-domain TLS requirements over {@code tls} (say {@code VERIFIED} for a partner)
 * @param sourceAddress     the local address outbound connections come from, when the host has several
 * @param relayTls          TLS to a relay host that gets a password: {@code VERIFIED} by default (the JDK's trust
 *                          store and the relay's name), so a man in the middle cannot collect it; at least
 *                          {@code REQUIRED}
 * @param outboundTls       the recipient domains' own TLS policies (MTA-STS, DANE) and TLS-RPT; off by default
 */
public record RemoteSettings(int port, Domain heloName, TlsPolicy tls, Optional<RouteTarget> relayHost,
                             ClientAuth relayAuth, Map<Domain, RouteTarget> routes, Duration connectTimeout,
                             Duration commandTimeout, Duration dataTimeout, int maxConnections, int maxPerDestination,
                             Duration downFor, DnsSettings dns, IpPreference ipPreference,
                             Map<Domain, TlsRequirement> tlsPolicies, Optional<InetAddress> sourceAddress,
                             TlsRequirement relayTls, OutboundTls outboundTls) {
    public RemoteSettings {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535");
        routes = Map.copyOf(routes);
        if (outboundTls == null) throw new IllegalArgumentException("null outbound TLS policies");
        tlsPolicies = Map.copyOf(tlsPolicies);
        if (relayTls == TlsRequirement.OPPORTUNISTIC) throw new IllegalArgumentException("a password needs TLS: required or verified");
        if (maxConnections < 1 || maxPerDestination < 1) throw new IllegalArgumentException("limits must be positive");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || commandTimeout.isNegative()
                || commandTimeout.isZero() || dataTimeout.isNegative() || dataTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public static RemoteSettings defaults() {
        return new RemoteSettings(25, Domain.parse("localhost"), TlsPolicy.OPPORTUNISTIC, Optional.empty(),
                ClientAuth.NONE, Map.of(), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(10),
                100, 20, Duration.ofMinutes(5), DnsSettings.defaults(), IpPreference.BOTH, Map.of(), Optional.empty(), TlsRequirement.VERIFIED,
                OutboundTls.off());
    }

    public RemoteSettings withTlsPolicies(Map<Domain, TlsRequirement> value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, value, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withSourceAddress(Optional<InetAddress> value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, value, relayTls, outboundTls);
    }

    public RemoteSettings withRelayTls(TlsRequirement value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress,
                value, outboundTls);
    }

    /** The TLS requirement for mail to {@code domain}: its own policy, or the global one. */
    public TlsRequirement tlsFor(Domain domain) {
        TlsRequirement own = tlsPolicies.get(domain);
        if (own != null) return own;
        return tls == TlsPolicy.REQUIRED ? TlsRequirement.REQUIRED : TlsRequirement.OPPORTUNISTIC;
    }

    public RemoteSettings withDns(DnsSettings value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, value, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withIpPreference(IpPreference value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, value, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withPort(int value) {
        return new RemoteSettings(value, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withHeloName(Domain value) {
        return new RemoteSettings(port, value, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withTls(TlsPolicy value) {
        return new RemoteSettings(port, heloName, value, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withRelayHost(Optional<RouteTarget> value, ClientAuth auth) {
        return new RemoteSettings(port, heloName, tls, value, auth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withRoutes(Map<Domain, RouteTarget> value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, value, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withTimeouts(Duration connect, Duration command, Duration data) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connect, command, data,
                maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withConnectionLimits(int total, int perDestination) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, total, perDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withDownFor(Duration value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, value, dns, ipPreference, tlsPolicies, sourceAddress, relayTls, outboundTls);
    }

    public RemoteSettings withOutboundTls(OutboundTls value) {
        return new RemoteSettings(port, heloName, tls, relayHost, relayAuth, routes, connectTimeout, commandTimeout,
                dataTimeout, maxConnections, maxPerDestination, downFor, dns, ipPreference, tlsPolicies, sourceAddress,
                relayTls, value);
    }
}
