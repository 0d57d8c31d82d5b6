package dev.tern.app.config;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * How one YAML value of the config file becomes a typed value. Each method throws
 * {@link IllegalArgumentException} whose message is the reason shown to the user; {@link Section} adds the key.
 *
 * <p>Values are read from the composed node tree rather than from constructed Java objects, so the YAML tag
 * tells a quoted {@code "30"} (a string) from a plain {@code 30} (a number), and no YAML type is ever
 * instantiated from the file.
 */
final class ConfigValues {
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})(KiB|MiB|GiB)?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private ConfigValues() {}

    static String string(Node node) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) return s.getValue();
        throw new IllegalArgumentException("expected a string");
    }

    static boolean bool(Node node) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
        throw new IllegalArgumentException("expected true or false");
    }

    /** A decimal integer in {@code [min, max]}. */
    static long integer(Node node, long min, long max) {
        if (!(node instanceof ScalarNode s && s.getTag().equals(Tag.INT) && DECIMAL.matcher(s.getValue()).matches())) {
            throw new IllegalArgumentException("expected a number");
        }
        long value;
        try {
            value = Long.parseLong(s.getValue());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number too large");
        }
        return inRange(value, min, max);
    }

    static int integer(Node node, int min) {
        return (int) integer(node, min, Integer.MAX_VALUE);
    }

    /** A duration longer than zero with one unit: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 5d}. */
    static Duration duration(Node node) {
        String text = node instanceof ScalarNode s && s.getTag().equals(Tag.STR) ? s.getValue() : "";
        Duration duration = parseDuration(text);
        if (duration.isZero()) throw new IllegalArgumentException("must be longer than zero");
        return duration;
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("expected a duration like 30s, 5m, 1h or 5d");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalStateException("unit matched by DURATION: " + m.group(2));
        };
    }

    /** A size in octets: a plain number, or a number with a binary unit: {@code 64KiB}, {@code 32MiB}, {@code 1GiB}. */
    static long size(Node node, long min, long max) {
        boolean scalar = node instanceof ScalarNode s && (s.getTag().equals(Tag.STR) || s.getTag().equals(Tag.INT));
        return inRange(parseSize(scalar ? ((ScalarNode) node).getValue() : ""), min, max);
    }

    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("expected a size like 1024, 64KiB or 32MiB");
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            default -> 1L << 30;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size too large");
        }
    }

    /** A host name for the greeting and Received: lines; not an address literal. */
    static String hostname(Node node) {
        return domainName(string(node)).name();
    }

    static Domain domain(Node node) {
        return domainName(string(node));
    }

    static Path path(Node node) {
        String text = string(node);
        if (text.isBlank()) throw new IllegalArgumentException("expected a path");
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getReason());
        }
    }

    /** An address {@code local@domain} with a dot-atom local part; quoted local parts are not accepted here. */
    static Mailbox mailbox(Node node) {
        return parseMailbox(string(node));
    }

    static Mailbox parseMailbox(String address) {
        String text = address.strip();
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1 || !Mailbox.isDotAtom(text.substring(0, at))) {
            throw new IllegalArgumentException("expected an address like alice@example.com, got \"" + text + "\"");
        }
        return new Mailbox(text.substring(0, at), domainName(text.substring(at + 1)));
    }

    /** {@code 127.0.0.1:25} or {@code [::1]:25}: an IP address (no DNS lookup at load time) and a port. */
    static InetSocketAddress listenAddress(Node node) {
        return parseListenAddress(string(node).strip());
    }

    static InetSocketAddress parseListenAddress(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) throw new IllegalArgumentException("expected [IPv6 address]:port, like [::1]:25");
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) throw new IllegalArgumentException("expected address:port, like 127.0.0.1:25");
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.contains(":")) throw new IllegalArgumentException("an IPv6 address needs brackets, like [::1]:25");
        }
        InetAddress address = text.startsWith("[") ? ipv6(host) : ipv4(host);
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("port must be a number from 0 to 65535");
        }
        return new InetSocketAddress(address, Integer.parseInt(port));
    }

    /** An address block {@code 192.0.2.0/24}, {@code 2001:db8::/32}, or one address; kept as written. */
    static String network(Node node) {
        String text = string(node).strip();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = host.contains(":") ? ipv6(host) : ipv4(host);
        if (slash >= 0) {
            String prefix = text.substring(slash + 1);
            int bits = address.getAddress().length * 8;
            if (!PORT.matcher(prefix).matches() || Integer.parseInt(prefix) > bits) {
                throw new IllegalArgumentException("prefix length must be a number from 0 to " + bits);
            }
        }
        return text;
    }

    private static InetAddress ipv4(String host) {
        try {
            if (IPV4.matcher(host).matches()) return Inet4Address.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            // falls through to the one message below: the text is not a dotted-quad IPv4 address
        }
        throw new IllegalArgumentException("expected an IP address such as 127.0.0.1 or [::1], got \"" + host + "\"");
    }

    private static InetAddress ipv6(String host) {
        try {
            return Inet6Address.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid IPv6 address \"" + host + "\"");
        }
    }

    private static Domain domainName(String text) {
        Domain domain;
        try {
            domain = Domain.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid domain \"" + text + "\": " + e.getMessage());
        }
        if (domain.isLiteral()) throw new IllegalArgumentException("expected a domain name, not an address literal");
        return domain;
    }

    private static long inRange(long value, long min, long max) {
        if (value < min) throw new IllegalArgumentException("must be at least " + min);
        if (value > max) throw new IllegalArgumentException("must be at most " + max);
        return value;
    }
}
