package dev.tern.mail;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An address {@code local-part@domain} (RFC 5321 §4.1.2 {@code Mailbox}).
 *
 * <p>{@code localPart} is held unquoted: {@code "john doe"@example.com} has local part {@code john doe}.
 * {@link #toString()} writes it back with quotes where the RFC 5321 grammar needs them. The local part keeps
 * its case (RFC 5321 §2.4: only the receiving host may interpret it); the domain is canonical.
 */
public record Mailbox(String localPart, Domain domain) {
    // RFC 5321 §4.5.3.1.1: at most 64 octets.
    public static final int MAX_LOCAL_PART = 64;

    public Mailbox {
        if (localPart == null || localPart.isEmpty()) throw new IllegalArgumentException("empty local part");
        if (domain == null) throw new IllegalArgumentException("no domain");
        if (localPart.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            throw new IllegalArgumentException("local part longer than 64 octets");
        }
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            // C0 and C1 controls and DEL never belong in an address (RFC 5321 §4.1.2; RFC 6531 §3.3 for UTF-8).
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) throw new IllegalArgumentException("control character in local part");
        }
    }

    public static Mailbox of(String localPart, String domain) {
        return new Mailbox(localPart, Domain.parse(domain));
    }

    /**
     * An address {@code local@domain} as written (no angle brackets, no quoting), split at its last {@code @}.
     *
     * @throws IllegalArgumentException when there is no {@code @} with text on both sides, or a part is not valid
     */
    public static Mailbox parse(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) throw new IllegalArgumentException("not an address local@domain: " + address);
        return of(address.substring(0, at), address.substring(at + 1));
    }

    /** True when the local part holds non-ASCII characters, which need SMTPUTF8 (RFC 6531). */
    public boolean isUtf8() {
        for (int i = 0; i < localPart.length(); i++) {
            if (localPart.charAt(i) >= 0x80) return true;
        }
        return false;
    }

    /** The local part lower-cased, the key under which directories look users up. */
    public String canonicalLocalPart() {
        return localPart.toLowerCase(Locale.ROOT);
    }

    /** True when the local part is a dot-atom and needs no quotes (RFC 5321 §4.1.2). */
    public static boolean isDotAtom(String localPart) {
        if (localPart.isEmpty() || localPart.startsWith(".") || localPart.endsWith(".") || localPart.contains("..")) {
            return false;
        }
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            if (c != '.' && !isAtext(c)) return false;
        }
        return true;
    }

    /** RFC 5322 atext, extended to non-ASCII by RFC 6531. */
    public static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c >= 0x80;
    }

    @Override
    public String toString() {
        if (isDotAtom(localPart)) return localPart + "@" + domain.name();
        StringBuilder sb = new StringBuilder(localPart.length() + domain.name().length() + 4).append('"');
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append("\"@").append(domain.name()).toString();
    }
}
