package dev.tern.smtp;

/**
 * Which characters may appear in a command line at all. Whatever passes here can go into a reply, a log line,
 * the spool's envelope and a {@code Received:} field without letting the client inject a line or hide text.
 */
final class SafeText {
    private SafeText() {}

    // ZWNJ and ZWJ are format characters that IDNA2008 (RFC 5892 §2.8 CONTEXTJ) and some scripts need.
    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;

    /**
     * True when no code point is a control (C0, DEL, C1), a line or paragraph separator, a format character
     * other than ZWNJ/ZWJ (bidi overrides hide text), an unpaired surrogate or U+FFFD (the mark of input that
     * was not valid UTF-8). RFC 5321 §2.3.8: CR and LF only ever end a line; RFC 6531 §3.3 allows UTF-8, not
     * controls.
     */
    static boolean isSafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) continue;
            if (c < 0x20 || c == 0x7f) return false;
            int cp = text.codePointAt(i);
            if (Character.isSupplementaryCodePoint(cp)) i++;
            if (!isSafeNonAscii(cp)) return false;
        }
        return true;
    }

    private static boolean isSafeNonAscii(int cp) {
        if (cp == 0xFFFD) return false;
        if (cp == ZWNJ || cp == ZWJ) return true;
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }

    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) return false;
        }
        return true;
    }

    /** Octets of {@code text} in UTF-8, without allocating. */
    static int utf8Length(CharSequence text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }
}
