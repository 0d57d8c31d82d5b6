package dev.tern.mailauth.dkim;

import dev.tern.mailauth.HeaderField;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * The DKIM canonicalization algorithms (RFC 6376 §3.4), named as in the {@code c=} tag.
 *
 * <p>Header canonical forms are returned as strings of ISO-8859-1 characters, one character per octet, so that
 * {@code header(f).getBytes(StandardCharsets.ISO_8859_1)} gives exactly the octets to hash, whatever 8-bit content
 * (RFC 6532 UTF-8) the field holds.
 */
public enum Canonicalization {
    SIMPLE("simple"),
    RELAXED("relaxed");

    private final String tag;

    Canonicalization(String tag) {
        this.tag = tag;
    }

    /** The name in {@code c=}. */
    public String tag() {
        return tag;
    }

    /** The algorithm named {@code name} in a {@code c=} tag (case-insensitive), if it is one. */
    public static Optional<Canonicalization> of(String name) {
        for (Canonicalization c : values()) if (c.tag.equalsIgnoreCase(name)) return Optional.of(c);
        return Optional.empty();
    }

    /** The canonical form of one header field, with its trailing CRLF. */
    public String header(HeaderField field) {
        return header(field.rawLatin1());
    }

    /** As {@link #header(HeaderField)}, over a field's octets given as ISO-8859-1 text. */
    public String header(String raw) {
        return switch (this) {
            // RFC 6376 §3.4.1: no change at all.
            case SIMPLE -> raw + "\r\n";
            case RELAXED -> relaxedHeader(raw);
        };
    }

    /** A streaming canonicalizer of the body into {@code digest}, hashing at most {@code limit} octets (l=). */
    public BodyCanonicalizer body(MessageDigest digest, long limit) {
        return new BodyCanonicalizer(this, digest, limit);
    }

    /** A streaming canonicalizer of the whole body into {@code digest}. */
    public BodyCanonicalizer body(MessageDigest digest) {
        return new BodyCanonicalizer(this, digest, BodyCanonicalizer.NO_LIMIT);
    }

    // RFC 6376 §3.4.2: lower-case the name, unfold, reduce WSP runs to one SP, drop WSP at the value's end and
    // around the colon.
    private static String relaxedHeader(String raw) {
        int colon = raw.indexOf(':');
        StringBuilder out = new StringBuilder(raw.length() + 2);
        if (colon >= 0) {
            out.append(raw.substring(0, colon).strip().toLowerCase(Locale.ROOT)).append(':');
        }
        boolean space = false;
        boolean any = false;
        for (int i = colon + 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\r' || c == '\n') continue; // unfolding
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && any) out.append(' ');
            space = false;
            any = true;
            out.append(c);
        }
        return out.append("\r\n").toString();
    }
}
