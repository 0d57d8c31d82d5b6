package dev.tern.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.ResolverConfig;

/**
 * Where and how patiently {@link DnsjavaResolver} asks.
 *
 * @param servers recursive resolvers, asked in order (a server that keeps failing is moved back)
 * @param timeout how long one try waits for an answer from one server
 * @param retries further tries per server after the first; a question waits at most
 *                {@code timeout × (retries + 1) × servers}
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration timeout, int retries) {
    public static final int DEFAULT_PORT = 53;

    public DnsSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) throw new IllegalArgumentException("at least one DNS server is needed");
        for (InetSocketAddress s : servers) {
            if (s.isUnresolved()) throw new IllegalArgumentException("DNS servers are IP addresses: " + s);
        }
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("DNS timeout must be positive");
        if (retries < 0 || retries > 10) throw new IllegalArgumentException("DNS retries are 0..10");
    }

    /**
     * The system's resolvers as dnsjava finds them (on Unix {@code /etc/resolv.conf}, else the JVM's and the
     * platform's configuration), or {@code 127.0.0.1:53} when none is configured; 5 s per try and one retry, as the
     * resolv.conf defaults ({@code timeout:5 attempts:2}).
     */
    public static DnsSettings defaults() {
        List<InetSocketAddress> system = ResolverConfig.getCurrentConfig().servers();
        if (system.isEmpty()) system = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT));
        return new DnsSettings(system, Duration.ofSeconds(5), 1);
    }

    /** The same settings with other servers (the {@code dns.servers} config key). */
    public DnsSettings withServers(List<InetSocketAddress> servers) {
        return new DnsSettings(servers, timeout, retries);
    }

    /** How long one question may take in the worst case, every try on every server timing out. */
    public Duration worstCase() {
        return timeout.multipliedBy((long) (retries + 1) * servers.size());
    }

    /**
     * Parses one {@code dns.servers} entry: an IP address with an optional port, {@code 192.0.2.53},
     * {@code 192.0.2.53:5353}, {@code 2001:db8::53}, {@code [2001:db8::53]:5353}. No names: finding the resolver
     * must not need a resolver.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static InetSocketAddress parseServer(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty DNS server");
        String host = text.strip();
        int port = DEFAULT_PORT;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("unclosed [ in DNS server: " + text);
            String rest = host.substring(close + 1);
            host = host.substring(1, close);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) throw new IllegalArgumentException("junk after ] in DNS server: " + text);
                port = parsePort(rest.substring(1), text);
            }
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = parsePort(host.substring(host.indexOf(':') + 1), text);
            host = host.substring(0, host.indexOf(':'));
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a DNS server is an IP address, optionally with :port: " + text);
        }
        return new InetSocketAddress(address, port);
    }

    private static int parsePort(String digits, String text) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad port in DNS server: " + text);
        }
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port in DNS server: " + text);
        return port;
    }
}
