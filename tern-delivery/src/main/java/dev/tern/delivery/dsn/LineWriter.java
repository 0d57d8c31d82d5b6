package dev.tern.delivery.dsn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes text as CRLF lines that respect RFC 5322 §2.1.1: header fields folded at spaces to stay within 78
 * characters where they can, and no line ever over 998 octets. A word too long for one line is the only thing
 * split where it had no space; that is the last resort the length rule leaves.
 */
final class LineWriter {
    static final int SOFT_LIMIT = 78;
    // RFC 5322 §2.1.1: 998 octets before the CRLF.
    static final int HARD_LIMIT = 998;
    private static final byte[] CRLF = {'\r', '\n'};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private final boolean utf8;

    /** @param utf8 whether non-ASCII text may stay (RFC 6532/6533 forms); otherwise it becomes {@code ?} */
    LineWriter(boolean utf8) {
        this.utf8 = utf8;
    }

    /** A header field {@code name: value}, folded; continuation lines start with a space (RFC 5322 §2.2.3). */
    LineWriter field(String name, String value) {
        wrap(name + ":", clean(value), " ");
        return this;
    }

    /** Free text, wrapped at spaces; continuation lines start with {@code indent}. */
    LineWriter text(String value, String indent) {
        String clean = clean(value);
        int lead = 0;
        while (lead < clean.length() && clean.charAt(lead) == ' ') lead++;
        wrap(clean.substring(0, lead), clean.substring(lead), indent);
        return this;
    }

    LineWriter blank() {
        out.writeBytes(CRLF);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void wrap(String start, String words, String indent) {
        // Any piece fits on a fresh line, whether it is the first one (after start) or a continuation.
        int max = HARD_LIMIT - Math.max(octets(start) + 1, octets(indent));
        StringBuilder line = new StringBuilder(start);
        int octets = octets(start);
        boolean hasWord = false;
        // Split at each single space, so runs of spaces (in a quoted local part, say) survive unfolding.
        for (String word : words.isEmpty() ? new String[0] : words.split(" ", -1)) {
            for (String piece : pieces(word, max)) {
                int size = octets(piece);
                String gap = hasWord || start.endsWith(":") ? " " : "";
                if (hasWord && octets + 1 + size > SOFT_LIMIT) {
                    emit(line);
                    line.setLength(0);
                    line.append(indent);
                    octets = octets(indent);
                    gap = "";
                }
                line.append(gap).append(piece);
                octets += gap.length() + size;
                hasWord = true;
            }
        }
        emit(line);
    }

    private void emit(CharSequence line) {
        out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(CRLF);
    }

    /** {@code word} in pieces of at most {@code max} octets, never splitting a character. */
    private static List<String> pieces(String word, int max) {
        if (octets(word) <= max) return List.of(word);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int size = 0;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int n = octets(Character.toString(cp));
            if (size + n > max) {
                pieces.add(word.substring(start, i));
                start = i;
                size = 0;
            }
            size += n;
            i += Character.charCount(cp);
        }
        pieces.add(word.substring(start));
        return pieces;
    }

    /** Controls become spaces; without UTF-8, anything outside printable ASCII becomes {@code ?}. */
    String clean(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
                sb.append(' ');
            } else if (cp >= 0x80 && (!utf8 || Character.getType(cp) == Character.SURROGATE)) {
                sb.append('?');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    static int octets(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }
}
