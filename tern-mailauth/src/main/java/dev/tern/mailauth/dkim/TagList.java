package dev.tern.mailauth.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * A DKIM tag=value list (RFC 6376 §3.2), as in {@code DKIM-Signature:} fields and key records, and in ARC's fields.
 *
 * @param tags the tags in the order written; names are case-sensitive, values have the white space around them
 *     removed (white space inside a value is kept; callers strip it where the RFC says so, as in {@code b=})
 */
public record TagList(SequencedMap<String, String> tags) {
    /** The result of {@link #parse}. */
    public sealed interface Parsed {
        record Ok(TagList tags) implements Parsed {}

        record Malformed(String reason) implements Parsed {
            public Malformed {
                if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a reason is needed");
            }
        }
    }

    public TagList {
        tags = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tags));
    }

    /** The value of {@code name}, if the tag is present. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    public boolean has(String name) {
        return tags.containsKey(name);
    }

    /**
     * Parses {@code text} (line breaks of folding may be present or already removed). A tag name is ALPHA followed by
     * ALPHA, DIGIT or "_"; a value is VALCHARs (%x21-3A / %x3C-7E, and 8-bit octets for RFC 8616) separated by white
     * space; a trailing ";" is allowed; a repeated tag is an error (§3.2: "MUST be interpreted as a
     * syntax error").
     */
    public static Parsed parse(String text) {
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        String[] specs = text.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            String spec = strip(specs[i]);
            if (spec.isEmpty()) {
                if (i == specs.length - 1 && i > 0) break; // the optional trailing ";"
                return new Parsed.Malformed("empty tag-spec");
            }
            int eq = spec.indexOf('=');
            if (eq < 0) return new Parsed.Malformed("tag-spec without \"=\"");
            String name = strip(spec.substring(0, eq));
            String value = strip(spec.substring(eq + 1));
            if (!isTagName(name)) return new Parsed.Malformed("bad tag name");
            if (!isTagValue(value)) return new Parsed.Malformed("bad value of tag " + name);
            if (tags.putIfAbsent(name, value) != null) return new Parsed.Malformed("duplicate tag " + name);
        }
        return new Parsed.Ok(new TagList(tags));
    }

    private static boolean isTagName(String s) {
        if (s.isEmpty() || !isAlpha(s.charAt(0))) return false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') return false;
        }
        return true;
    }

    private static boolean isTagValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean wsp = c == ' ' || c == '\t' || c == '\r' || c == '\n';
            if (!wsp && (c < 0x21 || c == 0x7f || c == ';')) return false;
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Strips FWS (SP, HTAB, CR, LF) from both ends. */
    public static String strip(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isFws(s.charAt(b))) b++;
        while (e > b && isFws(s.charAt(e - 1))) e--;
        return s.substring(b, e);
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
