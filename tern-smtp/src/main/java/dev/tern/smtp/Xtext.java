package dev.tern.smtp;

import java.util.Optional;

/**
 * The "xtext" encoding of DSN parameters (RFC 3461 §4): printable ASCII except {@code +} and {@code =} stand
 * for themselves, anything else is {@code +} and two upper-case hex digits.
 */
public final class Xtext {
    private Xtext() {}

    /**
     * Decodes {@code text}; empty when it is not valid xtext or when the decoded value holds anything but
     * printable US-ASCII and space (RFC 3461 §4.2, §4.4), so no control character gets into the envelope.
     */
    public static Optional<String> decode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                // RFC 3461 §4: hexchar = "+" 2(%x30-39 / %x41-46), upper case only.
                if (i + 2 >= text.length()) return Optional.empty();
                int hi = hex(text.charAt(i + 1));
                int lo = hex(text.charAt(i + 2));
                if (hi < 0 || lo < 0) return Optional.empty();
                c = (char) (hi * 16 + lo);
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return Optional.empty(); // RFC 3461 §4: xchar is %d33-42 / %d44-60 / %d62-126
            }
            if (c < 32 || c > 126) return Optional.empty();
            out.append(c);
        }
        return Optional.of(out.toString());
    }

    /** Encodes {@code text} (printable ASCII and space) as xtext, for a client sending ENVID or ORCPT. */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 32 || c > 126) throw new IllegalArgumentException("xtext carries printable ASCII only");
            if (c == '+' || c == '=' || c == ' ') {
                out.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
