package dev.tern.dns;

import java.util.Locale;

/**
 * An MX record (RFC 1035 §3.3.9).
 *
 * @param preference lower is tried first, 0..65535
 * @param exchange   the mail host, lower case and without the trailing dot, or {@code "."} for the root (a Null MX
 *                   when it is the only record, RFC 7505 §3)
 */
public record Mx(int preference, String exchange) {
    public static final String ROOT = ".";

    public Mx {
        if (preference < 0 || preference > 0xFFFF) throw new IllegalArgumentException("MX preference is 0..65535");
        if (exchange == null || exchange.isEmpty()) throw new IllegalArgumentException("MX exchange is empty");
        exchange = exchange.equals(ROOT) ? ROOT : stripDot(exchange).toLowerCase(Locale.ROOT);
    }

    /** This record names the root: "no mail here" when it stands alone (RFC 7505). */
    public boolean namesRoot() {
        return exchange.equals(ROOT);
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
