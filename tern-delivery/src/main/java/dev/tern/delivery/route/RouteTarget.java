package dev.tern.delivery.route;

import dev.tern.mail.Domain;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * A configured next hop, as Postfix writes {@code relayhost} and transport(5) next hops: {@code host} or
 * {@code host:port} looks up the MX records of {@code host}; {@code [host]} or {@code [host]:port} uses the
 * addresses of {@code host} itself without an MX lookup; {@code [192.0.2.7]}, {@code [2001:db8::7]} and
 * {@code [IPv6:2001:db8::7]} name an address; a bare IPv4 address is an address too (it has no MX records to ask
 * for). An IPv6 address needs its brackets, since its colons would read as a port.
 *
 * @param host      the host, or an address literal
 * @param port      the TCP port, or {@link #DEFAULT_PORT} for the delivery's remote port
 * @param mxLookup  whether the MX records of {@code host} are asked for; never for an address literal
 */
public record RouteTarget(Domain host, int port, boolean mxLookup) {
    /** No port given: the caller's default ({@code delivery.remote_port}, 25). */
    public static final int DEFAULT_PORT = 0;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,5}");

    public RouteTarget {
        if (host == null) throw new IllegalArgumentException("a route target needs a host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port is 1..65535");
        if (mxLookup && host.isLiteral()) throw new IllegalArgumentException("an address literal has no MX records");
    }

    /** This target's port, or {@code defaultPort} when none was given. */
    public int portOr(int defaultPort) {
        return port == DEFAULT_PORT ? defaultPort : port;
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [host]}, {@code [host]:port}, {@code [address]} or
     * {@code [address]:port}.
     *
     * @throws IllegalArgumentException for anything else (a config error, reported when the config is loaded)
     */
    public static RouteTarget parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty route target");
        String t = text.strip();
        String hostPart;
        String portPart = null;
        boolean bracketed = t.startsWith("[");
        if (bracketed) {
            int close = t.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("unclosed [ in route target: " + text);
            hostPart = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) throw new IllegalArgumentException("junk after ] in route target: " + text);
                portPart = rest.substring(1);
            }
        } else {
            int colon = t.indexOf(':');
            if (colon >= 0 && colon != t.lastIndexOf(':')) {
                throw new IllegalArgumentException("an IPv6 address in a route target needs brackets: " + text);
            }
            hostPart = colon < 0 ? t : t.substring(0, colon);
            if (colon >= 0) portPart = t.substring(colon + 1);
        }
        int port = portPart == null ? DEFAULT_PORT : parsePort(portPart, text);
        if (hostPart.isEmpty()) throw new IllegalArgumentException("route target without a host: " + text);
        Domain literal = literal(hostPart, bracketed, text);
        if (literal != null) return new RouteTarget(literal, port, false);
        Domain host;
        try {
            host = Domain.parse(hostPart);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad host in route target: " + text);
        }
        return new RouteTarget(host, port, !bracketed);
    }

    /** The address literal {@code hostPart} names, or null when it is a host name. */
    private static Domain literal(String hostPart, boolean bracketed, String text) {
        boolean tagged = bracketed && hostPart.regionMatches(true, 0, "IPv6:", 0, 5);
        boolean v6 = tagged || (bracketed && hostPart.indexOf(':') >= 0);
        if (!v6 && !IPV4.matcher(hostPart).matches()) return null;
        String address = tagged ? hostPart.substring(5) : hostPart;
        try {
            InetAddress parsed = InetAddress.ofLiteral(address);
            if (v6 != parsed instanceof Inet6Address) throw new IllegalArgumentException("mixed address forms");
            return Domain.parse(v6 ? "[IPv6:" + address + "]" : "[" + address + "]");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad address in route target: " + text);
        }
    }

    private static int parsePort(String digits, String text) {
        if (!DIGITS.matcher(digits).matches()) throw new IllegalArgumentException("bad port in route target: " + text);
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port in route target: " + text);
        return port;
    }

    @Override
    public String toString() {
        String h = mxLookup ? host.name() : host.isLiteral() ? host.name() : "[" + host.name() + "]";
        return port == DEFAULT_PORT ? h : h + ":" + port;
    }
}
