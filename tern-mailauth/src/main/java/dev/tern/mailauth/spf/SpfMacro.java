package dev.tern.mailauth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The SPF macro language (RFC 7208 §7): {@code %{s}}, {@code %{ir}.%{v}._spf.%{d2}}, {@code %%}, {@code %_},
 * {@code %-}. Pure: the one value that needs DNS ({@code %{p}}) comes from a supplier the evaluator gives.
 */
final class SpfMacro {
    private static final String DELIMITERS = ".-+,/_=";
    private static final String LETTERS = "slodiphcrtv";
    private static final String EXPLANATION_ONLY = "crt"; // §7.2: c, r and t only in exp= text

    /**
     * The values the letters stand for (§7.2).
     *
     * @param ip        the client address, an IPv4-mapped one already made IPv4
     * @param sender    {@code <sender>}, local-part@domain
     * @param domain    {@code <domain>}, the domain being checked now
     * @param helo      the HELO/EHLO name
     * @param validated {@code %{p}}: the validated name of the client (§7.3), asked only when used
     * @param receiver  {@code %{r}}: the receiving host
     * @param timestamp {@code %{t}}: seconds since the epoch
     */
    record Context(InetAddress ip, String sender, String domain, String helo, Supplier<String> validated,
                   String receiver, long timestamp) {}

    private SpfMacro() {}

    /** Why {@code text} is no macro-string (§7.1 ABNF), or empty when it is one. */
    static Optional<String> syntaxError(String text, boolean explanation) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                // macro-literal is %x21-24 / %x26-7E; an explain-string may also hold spaces (§7.1).
                if ((c < 0x21 || c > 0x7e) && !(explanation && c == ' ')) return Optional.of("bad character in macro-string");
                continue;
            }
            if (i + 1 >= text.length()) return Optional.of("'%' at the end");
            char next = text.charAt(++i);
            if (next == '%' || next == '_' || next == '-') continue;
            if (next != '{') return Optional.of("'%' not followed by {, %, _ or -");
            int close = text.indexOf('}', i);
            if (close < 0) return Optional.of("unclosed %{");
            Optional<String> bad = badExpand(text.substring(i + 1, close), explanation);
            if (bad.isPresent()) return bad;
            i = close;
        }
        return Optional.empty();
    }

    private static Optional<String> badExpand(String body, boolean explanation) {
        if (body.isEmpty()) return Optional.of("empty %{}");
        char letter = Character.toLowerCase(body.charAt(0));
        if (LETTERS.indexOf(letter) < 0) return Optional.of("unknown macro letter " + body.charAt(0));
        if (!explanation && EXPLANATION_ONLY.indexOf(letter) >= 0) {
            return Optional.of("macro letter " + letter + " is allowed only in exp text");
        }
        int i = 1;
        int digits = 0;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            i++;
            digits++;
        }
        if (digits > 0) {
            if (digits > 3 || Integer.parseInt(body.substring(1, i)) == 0) return Optional.of("bad digit transformer");
        }
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) i++;
        for (; i < body.length(); i++) {
            if (DELIMITERS.indexOf(body.charAt(i)) < 0) return Optional.of("bad macro delimiter " + body.charAt(i));
        }
        return Optional.empty();
    }

    /** Expands {@code text}, which {@link #syntaxError} accepted. */
    static String expand(String text, Context context, boolean explanation) {
        if (syntaxError(text, explanation).isPresent()) throw new IllegalArgumentException("not a macro-string");
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case '%' -> out.append('%');
                case '_' -> out.append(' ');
                case '-' -> out.append("%20");
                default -> {
                    int close = text.indexOf('}', i);
                    out.append(expandOne(text.substring(i + 1, close), context));
                    i = close;
                }
            }
        }
        return out.toString();
    }

    private static String expandOne(String body, Context context) {
        char letter = body.charAt(0);
        String value = value(Character.toLowerCase(letter), context);
        int i = 1;
        while (i < body.length() && Character.isDigit(body.charAt(i))) i++;
        int keep = i > 1 ? Integer.parseInt(body.substring(1, i)) : 0;
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = i < body.length() ? body.substring(i) : ".";
        if (keep > 0 || reverse || i < body.length()) {
            List<String> parts = split(value, delimiters);
            if (reverse) Collections.reverse(parts);
            if (keep > 0 && keep < parts.size()) parts = parts.subList(parts.size() - keep, parts.size());
            value = String.join(".", parts);
        }
        // §7.3: an upper-case letter means the value is URL-escaped (RFC 3986 unreserved characters kept).
        return Character.isUpperCase(letter) ? urlEscape(value) : value;
    }

    private static List<String> split(String value, String delimiters) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    private static String value(char letter, Context context) {
        return switch (letter) {
            case 's' -> context.sender();
            case 'l' -> context.sender().substring(0, context.sender().lastIndexOf('@'));
            case 'o' -> context.sender().substring(context.sender().lastIndexOf('@') + 1);
            case 'd' -> context.domain();
            case 'i' -> dotted(context.ip());
            case 'p' -> context.validated().get();
            case 'v' -> context.ip() instanceof Inet4Address ? "in-addr" : "ip6";
            case 'h' -> context.helo();
            case 'c' -> readable(context.ip());
            case 'r' -> context.receiver();
            case 't' -> Long.toString(context.timestamp());
            default -> throw new IllegalArgumentException("unknown macro letter " + letter); // syntaxError excludes it
        };
    }

    /** §7.3 {@code %{i}}: IPv4 as dotted quad, IPv6 as 32 dot-separated nibbles (§7.3's {@code 2.0.0.1.0.d.b.8...}). */
    static String dotted(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 4) return ip.getHostAddress();
        StringBuilder sb = new StringBuilder(63);
        for (byte x : b) {
            if (!sb.isEmpty()) sb.append('.');
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append('.').append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** §7.3 {@code %{c}}: IPv4 dotted, IPv6 in the RFC 5952 form (lower case, the longest zero run as ::). */
    static String readable(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 4) return ip.getHostAddress();
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) groups[g] = ((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff);
        int bestStart = -1, bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) g++;
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLength - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(groups[g]));
        }
        return sb.toString();
    }

    private static String urlEscape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", x & 0xff));
            }
        }
        return sb.toString();
    }
}
