package dev.tern.mailauth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One field of a message's header section (RFC 5322 §2.2), kept exactly as received so that signatures over it
 * (DKIM, ARC) can be checked byte for byte.
 *
 * @param name the field name as written (RFC 5322 §3.6.8 {@code field-name}), without any white space before the
 *     colon; empty for a malformed line (no colon, a bad name, or a continuation with no field before it)
 * @param raw the field's octets as received: name, colon and value with its folding, without the final line break
 */
public record HeaderField(String name, byte[] raw) {
    public HeaderField {
        if (name == null || raw == null) throw new IllegalArgumentException("a header field needs a name and octets");
        raw = raw.clone();
        if (!name.isEmpty()) {
            byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
            if (raw.length < n.length || !Arrays.equals(raw, 0, n.length, n, 0, n.length)) {
                throw new IllegalArgumentException("the field octets do not start with its name");
            }
        }
    }

    /**
     * A field from its text ({@code "Subject: hello"}), encoded as UTF-8 (RFC 6532). The name is what precedes the
     * first colon; text without a usable name makes a malformed field (empty name), as {@link HeaderSection} does.
     */
    public static HeaderField of(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        return new HeaderField(nameOf(raw, raw.length), raw);
    }

    /** The field's octets; a copy. */
    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** The octets as a string of ISO-8859-1 characters, one per octet (lossless; for byte-level work). */
    public String rawLatin1() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /**
     * The value: the text after the first colon, unfolded (RFC 5322 §2.2.3: line breaks removed, the white space
     * after them kept), with leading and trailing white space removed, decoded as UTF-8 (RFC 6532). For a malformed
     * field without a colon, the whole line.
     */
    public String value() {
        int colon = indexOf(raw, (byte) ':', raw.length);
        int start = colon < 0 ? 0 : colon + 1;
        byte[] out = new byte[raw.length - start];
        int n = 0;
        for (int i = start; i < raw.length; i++) {
            if (raw[i] != '\r' && raw[i] != '\n') out[n++] = raw[i];
        }
        return new String(out, 0, n, StandardCharsets.UTF_8).strip();
    }

    /** Whether this field is named {@code fieldName}, compared without regard to case (RFC 5322 §1.2.2). */
    public boolean is(String fieldName) {
        return !name.isEmpty() && name.equalsIgnoreCase(fieldName);
    }

    /** The name in lower case, for maps keyed by field name. */
    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderField f && f.name.equals(name) && Arrays.equals(f.raw, raw);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /**
     * The field name of the first {@code length} octets of a field, or "" when there is none: RFC 5322 §3.6.8 says
     * a name is printable US-ASCII but colon; §4.5.3 (obs-optional) allows white space before the colon.
     */
    static String nameOf(byte[] line, int length) {
        int colon = indexOf(line, (byte) ':', length);
        if (colon <= 0) return "";
        int end = colon;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) end--;
        if (end == 0) return "";
        for (int i = 0; i < end; i++) {
            if (line[i] < 33 || line[i] > 126) return "";
        }
        return new String(line, 0, end, StandardCharsets.US_ASCII);
    }

    static int indexOf(byte[] b, byte c, int length) {
        for (int i = 0; i < length; i++) if (b[i] == c) return i;
        return -1;
    }
}
