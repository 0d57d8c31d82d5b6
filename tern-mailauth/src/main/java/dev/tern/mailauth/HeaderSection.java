package dev.tern.mailauth;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A message's header section (RFC 5322 §2.2) as a list of {@link HeaderField}s, in order, top first.
 *
 * <p>Lenient on input, lossless on output: lines end in CRLF or a bare LF (kept as received inside the field's
 * octets); a continuation line (starting with SP or HTAB, RFC 5322 §2.2.3) belongs to the field above it; a line
 * that is neither a continuation nor has a colon after a valid name is kept as a malformed field with an empty name,
 * so nothing is silently dropped and a signature check can still see it.
 */
public final class HeaderSection {
    private HeaderSection() {}

    /**
     * Parses {@code section}, the octets of the header section up to but excluding the empty line that ends it. If
     * an empty line is nevertheless present, parsing stops there: what follows is the body, not header fields.
     */
    public static List<HeaderField> parse(byte[] section) {
        List<HeaderField> fields = new ArrayList<>();
        int fieldStart = -1;
        int fieldEnd = -1;
        int pos = 0;
        while (pos < section.length) {
            int lf = indexOf(section, pos);
            int next = lf < 0 ? section.length : lf + 1;
            int end = lf < 0 ? section.length : (lf > pos && section[lf - 1] == '\r' ? lf - 1 : lf);
            boolean continuation = section[pos] == ' ' || section[pos] == '\t';
            if (end == pos && !continuation) break; // the empty line: end of the header section
            if (continuation && fieldStart >= 0) {
                fieldEnd = end;
            } else {
                if (fieldStart >= 0) fields.add(field(section, fieldStart, fieldEnd));
                fieldStart = pos;
                fieldEnd = end;
            }
            pos = next;
        }
        if (fieldStart >= 0) fields.add(field(section, fieldStart, fieldEnd));
        return List.copyOf(fields);
    }

    /** The fields' octets, each followed by CRLF, without the empty line that ends a header section. */
    public static byte[] toBytes(List<HeaderField> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (HeaderField f : fields) {
            out.writeBytes(f.raw());
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static HeaderField field(byte[] section, int start, int end) {
        byte[] raw = Arrays.copyOfRange(section, start, end);
        boolean continuation = raw.length > 0 && (raw[0] == ' ' || raw[0] == '\t');
        return new HeaderField(continuation ? "" : HeaderField.nameOf(raw, raw.length), raw);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == '\n') return i;
        return -1;
    }
}
