package dev.tern.mail;

import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A domain (RFC 5321 §4.1.2 {@code Domain}) or address literal ({@code [192.0.2.1]}, {@code [IPv6:...]}).
 *
 * <p>{@link #name()} is the canonical form: lower-case ASCII, with internationalized labels as A-labels
 * (RFC 5890), and no trailing dot. Comparing two {@code Domain}s is therefore case-insensitive and IDNA-aware.
 */
public record Domain(String name) {
    // RFC 5321 §4.5.3.1.2: at most 255 octets.
    public static final int MAX_LENGTH = 255;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    public Domain {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty domain");
        if (name.length() > MAX_LENGTH) throw new IllegalArgumentException("domain longer than 255 octets");
        if (name.startsWith("[")) {
            if (!isValidLiteral(name)) throw new IllegalArgumentException("invalid address literal");
        } else {
            for (String label : name.split("\\.", -1)) {
                if (!LABEL.matcher(label).matches()) throw new IllegalArgumentException("invalid domain label");
            }
        }
    }

    /**
     * Parses a domain as written in SMTP or in a config file: any case, U-labels or A-labels, an optional
     * trailing dot, or an address literal.
     *
     * @throws IllegalArgumentException when the text is not a valid domain
     */
    public static Domain parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty domain");
        if (text.startsWith("[")) {
            return new Domain(text.regionMatches(true, 0, "[IPv6:", 0, 6)
                    ? "[IPv6:" + text.substring(6).toLowerCase(Locale.ROOT) : text);
        }
        String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        String ascii;
        try {
            ascii = IDN.toASCII(t, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid internationalized domain");
        }
        return new Domain(ascii.toLowerCase(Locale.ROOT));
    }

    public boolean isLiteral() {
        return name.startsWith("[");
    }

    private static boolean isValidLiteral(String text) {
        if (!text.endsWith("]") || text.length() < 3) return false;
        String inner = text.substring(1, text.length() - 1);
        if (IPV4.matcher(inner).matches()) return true;
        // RFC 5321 §4.1.3 IPv6-address-literal: "IPv6:" followed by a valid IPv6 address (full, compressed, or
        // with an IPv4 tail); the JDK's literal parser checks it without any name lookup.
        if (!inner.startsWith("IPv6:")) return false;
        String address = inner.substring(5);
        if (address.indexOf(':') < 0 || address.indexOf('%') >= 0) return false;
        try {
            InetAddress.ofLiteral(address); // an IPv4-mapped address parses as IPv4; the ':' above made it IPv6 text
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
