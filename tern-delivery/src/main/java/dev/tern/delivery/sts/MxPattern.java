package dev.tern.delivery.sts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code mx} value of an MTA-STS policy (RFC 8461 §3.2, §4.1): a host name, or {@code *.} and a domain, where
 * the wildcard stands for exactly one leftmost label ({@code *.example.com} matches {@code mx1.example.com}, but
 * neither {@code example.com} nor {@code a.b.example.com}). Compared without case and without a trailing dot.
 */
public record MxPattern(String pattern) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public MxPattern {
        if (pattern == null || !valid(pattern)) throw new IllegalArgumentException("not an MTA-STS mx pattern");
    }

    /** Parses a policy's mx value; empty when it is no host name or {@code *.}domain. */
    public static java.util.Optional<MxPattern> parse(String text) {
        String p = trimDot(text.toLowerCase(Locale.ROOT));
        return valid(p) ? java.util.Optional.of(new MxPattern(p)) : java.util.Optional.empty();
    }

    /** Whether {@code host} (an MX exchange) is allowed by this pattern (RFC 8461 §4.1). */
    public boolean matches(String host) {
        String h = trimDot(host.toLowerCase(Locale.ROOT));
        if (!pattern.startsWith("*.")) return h.equals(pattern);
        String parent = pattern.substring(1); // ".example.com"
        if (!h.endsWith(parent)) return false;
        String first = h.substring(0, h.length() - parent.length());
        return !first.isEmpty() && first.indexOf('.') < 0;
    }

    private static boolean valid(String p) {
        String name = p.startsWith("*.") ? p.substring(2) : p;
        if (name.isEmpty() || name.length() > 253) return false;
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2 && p.startsWith("*.")) return false; // "*.com" would allow any host of a TLD
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) return false;
        }
        return true;
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
