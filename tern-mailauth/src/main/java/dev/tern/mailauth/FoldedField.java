package dev.tern.mailauth;

/**
 * Builds one header field folded at white space (RFC 5322 §2.2.3) so that lines stay under 78 characters
 * (§2.1.1's SHOULD), for the fields Tern writes: {@code DKIM-Signature:}, {@code Authentication-Results:}, ARC's.
 * Folding inserts CRLF followed by a TAB before a word that would not fit.
 */
public final class FoldedField {
    /** The column a line may reach, well under RFC 5322's 78. */
    public static final int WIDTH = 76;

    private final StringBuilder text = new StringBuilder(256);
    private int column;

    /** Starts the field {@code name:}. */
    public FoldedField(String name) {
        text.append(name).append(':');
        column = text.length();
    }

    /** Appends {@code word} after one space, or on a new folded line when it does not fit. */
    public FoldedField word(String word) {
        if (column + 1 + word.length() > WIDTH && column > 1) {
            text.append("\r\n\t");
            column = 1;
        } else {
            text.append(' ');
            column++;
        }
        return glued(word);
    }

    /**
     * Appends {@code word} right after what is there, or on a new folded line when it does not fit (for lists
     * whose separators allow white space around them, like {@code h=from:to}).
     */
    public FoldedField continued(String word) {
        if (column + word.length() > WIDTH && column > 1) {
            text.append("\r\n\t");
            column = 1;
        }
        return glued(word);
    }

    /** Appends {@code word} with no space before it (it continues the previous word). */
    public FoldedField glued(String word) {
        text.append(word);
        column += word.length();
        return this;
    }

    /**
     * Appends {@code value}, which may be broken anywhere (base64 in {@code b=} and {@code bh=}, where white space is
     * ignored, RFC 6376 §3.5), right after what is already there, filling lines to {@link #WIDTH}.
     */
    public FoldedField breakable(String value) {
        int i = 0;
        while (i < value.length()) {
            int room = WIDTH - column;
            if (room <= 0) {
                text.append("\r\n\t");
                column = 1;
                room = WIDTH - 1;
            }
            int n = Math.min(room, value.length() - i);
            text.append(value, i, i + n);
            column += n;
            i += n;
        }
        return this;
    }

    /** The field so far, without a final CRLF. */
    public String text() {
        return text.toString();
    }

    /** The complete field line, ending in CRLF. */
    public String line() {
        return text + "\r\n";
    }
}
