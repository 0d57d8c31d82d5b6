package dev.tern.imap;

import java.nio.charset.StandardCharsets;

/**
 * The fields of a header section whose bounds the store's parser already found (RFC 5322 §2.2: a field starts
 * at a line that does not begin with white space and runs over its folded continuation lines).
 */
final class HeaderLines {
    private HeaderLines() {}

    interface Visitor {
        /** A field's name ({@code null} for a line without a colon) and its octets, line breaks included. */
        void field(String name, int start, int end);
    }

    static void forEach(byte[] content, int from, int to, Visitor visitor) {
        int i = Math.max(0, from);
        int limit = Math.min(to, content.length);
        while (i < limit) {
            int start = i;
            int end = lineEnd(content, i, limit);
            if (end - start <= 2 && isBlank(content, start, end)) return; // the blank line ends the header
            while (end < limit && (content[end] == ' ' || content[end] == '\t')) end = lineEnd(content, end, limit);
            visitor.field(name(content, start, end), start, end);
            i = end;
        }
    }

    private static int lineEnd(byte[] content, int from, int limit) {
        for (int i = from; i < limit; i++) if (content[i] == '\n') return i + 1;
        return limit;
    }

    private static boolean isBlank(byte[] content, int start, int end) {
        for (int i = start; i < end; i++) if (content[i] != '\r' && content[i] != '\n') return false;
        return true;
    }

    private static String name(byte[] content, int start, int end) {
        for (int i = start; i < end; i++) {
            byte b = content[i];
            if (b == ':') {
                String name = new String(content, start, i - start, StandardCharsets.ISO_8859_1).strip();
                return name.isEmpty() ? null : name;
            }
            if (b == '\r' || b == '\n') return null;
        }
        return null;
    }
}
