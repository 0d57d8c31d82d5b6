package dev.tern.milter;

import java.util.Objects;

/**
 * A header edit a filter asks for at end of message, in the order it asked. Names compare case-insensitively.
 * A value is the field body as the filter gave it (folded lines separated by LF or CRLF); when it does not start
 * with a space or tab, one space goes after the colon (RFC 5322 §2.2 allows either; this is what Sendmail and
 * Postfix write).
 */
public sealed interface HeaderChange {
    String name();

    String value();

    /** {@code SMFIR_ADDHEADER}: append the field after the last one. */
    record Add(String name, String value) implements HeaderChange {
        public Add {
            validate(name, value);
        }
    }

    /** {@code SMFIR_INSHEADER}: insert before the field at {@code index} (0 = the top; past the end = append). */
    record Insert(int index, String name, String value) implements HeaderChange {
        public Insert {
            validate(name, value);
            if (index < 0) throw new IllegalArgumentException("negative header index");
        }
    }

    /**
     * {@code SMFIR_CHGHEADER}: replace the {@code index}-th (1-based) field called {@code name}; an empty value
     * deletes it. Index 0 means 1, as in libmilter.
     */
    record Change(String name, int index, String value) implements HeaderChange {
        public Change {
            validate(name, value);
            if (index < 0) throw new IllegalArgumentException("negative header index");
        }

        public boolean deletes() {
            return value.isEmpty();
        }
    }

    private static void validate(String name, String value) {
        Objects.requireNonNull(value, "value");
        if (!validName(name)) throw new IllegalArgumentException("not a header field name: " + name);
        if (value.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL in header value");
    }

    /** RFC 5322 §3.6.8: a field name is one or more printable US-ASCII characters other than colon. */
    public static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 998) return false;
        return name.chars().allMatch(c -> c > 32 && c < 127 && c != ':');
    }
}
