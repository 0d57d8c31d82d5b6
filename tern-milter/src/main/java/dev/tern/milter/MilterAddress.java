package dev.tern.milter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where a filter listens, written as Postfix writes it in {@code smtpd_milters}: {@code inet:host:port},
 * {@code inet6:[address]:port} (also {@code inet:[address]:port}) or {@code unix:/path}.
 */
public sealed interface MilterAddress {
    /** A TCP endpoint; {@code host} is a name or an IP literal without brackets. */
    record Inet(String host, int port) implements MilterAddress {
        public Inet {
            if (host == null || host.isBlank()) throw new IllegalArgumentException("milter address: empty host");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("milter address: port out of range: " + port);
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "inet6:[" + host + "]" : "inet:" + host) + ":" + port;
        }
    }

    /** A UNIX-domain socket; the path is absolute. */
    record Unix(Path path) implements MilterAddress {
        public Unix {
            if (path == null || !path.isAbsolute()) throw new IllegalArgumentException("milter address: unix socket path must be absolute");
        }

        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** The address to connect to; an {@code Inet} host name is resolved here. */
    SocketAddress socketAddress();

    /** Parses Postfix's notation; a malformed address is a configuration error with a message saying what is expected. */
    static MilterAddress parse(String text) {
        String expected = "milter address '" + text + "': expected inet:host:port, inet6:[address]:port or unix:/path";
        if (text == null) throw new IllegalArgumentException(expected);
        int colon = text.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException(expected);
        String scheme = text.substring(0, colon);
        String rest = text.substring(colon + 1);
        return switch (scheme) {
            case "unix" -> {
                if (!rest.startsWith("/")) throw new IllegalArgumentException(expected);
                yield new Unix(Path.of(rest));
            }
            case "inet", "inet6" -> parseInet(rest, scheme.equals("inet6"), expected);
            default -> throw new IllegalArgumentException(expected);
        };
    }

    private static Inet parseInet(String rest, boolean v6, String expected) {
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf("]:");
            if (close < 0) throw new IllegalArgumentException(expected);
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
            if (!host.contains(":") && v6) throw new IllegalArgumentException(expected);
        } else {
            if (v6) throw new IllegalArgumentException(expected);
            int last = rest.lastIndexOf(':');
            if (last <= 0 || rest.indexOf(':') != last) throw new IllegalArgumentException(expected);
            host = rest.substring(0, last);
            port = rest.substring(last + 1);
        }
        if (host.isEmpty() || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(expected);
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) throw new IllegalArgumentException(expected + " (port out of range)");
        return new Inet(host, number);
    }
}
