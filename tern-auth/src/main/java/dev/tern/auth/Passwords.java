package dev.tern.auth;

import java.text.Normalizer;
import java.util.Optional;

/**
 * How a password is prepared before hashing, and which passwords an account may be given.
 *
 * <p>Preparation is the mapping and normalization steps of SASLprep (RFC 4013 §2.1–2.2): non-ASCII spaces
 * become U+0020, the "commonly mapped to nothing" characters (RFC 3454 B.1) are removed, and the result is put
 * in Unicode form KC. SCRAM clients do the same before they derive their keys (RFC 5802 §2.2, "Normalize"), so
 * a password with accents or full-width characters gives the same keys on both sides; PLAIN and LOGIN checks
 * use the same preparation (RFC 4616 §2). Unlike full SASLprep, nothing is refused at check time: a password
 * that could not have been set simply does not match.
 */
public final class Passwords {
    /** At least 8 characters (NIST SP 800-63B §3.1.1.2), at most 1024 (a bound, not a policy). */
    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 1024;

    private Passwords() {}

    /** The password as it is hashed: SASLprep's mapping and NFKC normalization. */
    public static String prepare(String password) {
        StringBuilder mapped = new StringBuilder(password.length());
        password.codePoints().forEach(c -> {
            if (isNonAsciiSpace(c)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(c)) {
                mapped.appendCodePoint(c);
            }
        });
        return Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    }

    /**
     * Why {@code password} may not be set, or empty when it may: 8 to 1024 characters after preparation, no
     * control characters (RFC 4013 §2.3 prohibits them; they cannot be typed reliably either).
     */
    public static Optional<String> weakness(String password) {
        String prepared = prepare(password);
        int length = prepared.codePointCount(0, prepared.length());
        if (length < MIN_LENGTH) return Optional.of("password must have at least " + MIN_LENGTH + " characters");
        if (length > MAX_LENGTH) return Optional.of("password must have at most " + MAX_LENGTH + " characters");
        if (prepared.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
            return Optional.of("password must not contain control characters");
        }
        return Optional.empty();
    }

    // RFC 3454 C.1.2.
    private static boolean isNonAsciiSpace(int c) {
        return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    // RFC 3454 B.1.
    private static boolean isMappedToNothing(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || c == 0x200C
                || c == 0x200D || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
    }
}
