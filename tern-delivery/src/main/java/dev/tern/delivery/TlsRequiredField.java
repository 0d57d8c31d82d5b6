package dev.tern.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Finds {@code TLS-Required: No} (RFC 8689 §3) in a message's header section: the sender asks that recipient-side
 * TLS policies (MTA-STS, DANE) be ignored for it (§4.2.2). Reads only the header section, at most
 * {@link #MAX_HEADER_BYTES}; a header longer than that is read as far as the limit. Field names compare without case
 * (RFC 5322 §1.2.2); the value is the single token {@code No}, any case, after unfolding.
 */
final class TlsRequiredField {
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private TlsRequiredField() {}

    /** Whether the header section read from {@code in} carries {@code TLS-Required: No}. */
    static boolean saysNo(InputStream in) throws IOException {
        byte[] header = in.readNBytes(MAX_HEADER_BYTES);
        String text = new String(header, StandardCharsets.ISO_8859_1);
        int end = endOfHeader(text);
        String section = text.substring(0, end);
        StringBuilder field = new StringBuilder();
        for (String line : section.split("\r?\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                field.append(line); // RFC 5322 §2.2.3: unfolding
                continue;
            }
            if (isNo(field)) return true;
            field.setLength(0);
            field.append(line);
        }
        return isNo(field);
    }

    private static int endOfHeader(String text) {
        if (text.startsWith("\r\n") || text.startsWith("\n")) return 0;
        int crlf = text.indexOf("\r\n\r\n");
        int lf = text.indexOf("\n\n");
        int end = text.length();
        if (crlf >= 0) end = Math.min(end, crlf);
        if (lf >= 0) end = Math.min(end, lf);
        return end;
    }

    private static boolean isNo(CharSequence field) {
        String f = field.toString();
        int colon = f.indexOf(':');
        if (colon <= 0) return false;
        return f.substring(0, colon).strip().equalsIgnoreCase("TLS-Required") && f.substring(colon + 1).strip().equalsIgnoreCase("No");
    }
}
