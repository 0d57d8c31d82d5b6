package dev.tern.mail;

import java.util.Optional;

/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3), which IMAP4rev1 clients use: printable US-ASCII stands
 * for itself, {@code &} is {@code &-}, anything else is UTF-16 in modified base64 ({@code ,} for {@code /}, no
 * padding) between {@code &} and {@code -}.
 */
public final class ModifiedUtf7 {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    private ModifiedUtf7() {}

    public static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int end = i;
            while (end < text.length() && (text.charAt(end) < 0x20 || text.charAt(end) > 0x7e)) end++;
            out.append('&');
            int bits = 0;
            int buffer = 0;
            for (int k = i; k < end; k++) {
                buffer = (buffer << 16) | text.charAt(k);
                bits += 16;
                while (bits >= 6) {
                    bits -= 6;
                    out.append(ALPHABET.charAt((buffer >> bits) & 0x3f));
                }
            }
            if (bits > 0) out.append(ALPHABET.charAt((buffer << (6 - bits)) & 0x3f));
            out.append('-');
            i = end;
        }
        return out.toString();
    }

    /**
     * Decodes a name; empty when it is not minimal, well-formed modified UTF-7: an unterminated shift
     * ({@code &Jjo!}), a superfluous one ({@code &U,BTFw-&ZeVnLIqe-}), an encoded printable character, leftover
     * bits, or a broken surrogate pair. Octets above US-ASCII pass through (clients that send UTF-8 anyway).
     */
    public static Optional<String> decode(String wire) {
        StringBuilder out = new StringBuilder(wire.length());
        int i = 0;
        boolean justShifted = false;
        while (i < wire.length()) {
            char c = wire.charAt(i);
            if (c != '&') {
                if (c < 0x20 || c == 0x7f) return Optional.empty();
                out.append(c);
                i++;
                justShifted = false;
                continue;
            }
            int end = wire.indexOf('-', i + 1);
            if (end < 0) return Optional.empty();
            if (end == i + 1) {
                out.append('&');
                i = end + 1;
                justShifted = false;
                continue;
            }
            if (justShifted) return Optional.empty();
            if (!decodeRun(wire.substring(i + 1, end), out)) return Optional.empty();
            i = end + 1;
            justShifted = true;
        }
        return Optional.of(out.toString());
    }

    private static boolean decodeRun(String run, StringBuilder out) {
        int bits = 0;
        int buffer = 0;
        StringBuilder chars = new StringBuilder();
        for (int k = 0; k < run.length(); k++) {
            int v = ALPHABET.indexOf(run.charAt(k));
            if (v < 0) return false;
            buffer = ((buffer << 6) | v) & 0xffffff;
            bits += 6;
            if (bits >= 16) {
                bits -= 16;
                chars.append((char) ((buffer >> bits) & 0xffff));
            }
        }
        if (bits >= 6 || (buffer & ((1 << bits) - 1)) != 0 || chars.isEmpty()) return false;
        for (int k = 0; k < chars.length(); k++) {
            char c = chars.charAt(k);
            if (c >= 0x20 && c <= 0x7e) return false;
            if (Character.isHighSurrogate(c) && (k + 1 >= chars.length() || !Character.isLowSurrogate(chars.charAt(k + 1)))) return false;
            if (Character.isLowSurrogate(c) && (k == 0 || !Character.isHighSurrogate(chars.charAt(k - 1)))) return false;
        }
        out.append(chars);
        return true;
    }
}
