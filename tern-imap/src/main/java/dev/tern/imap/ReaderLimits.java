package dev.tern.imap;

/**
 * What {@link CommandReader} takes from a client before it refuses: a line outside literals, one literal in
 * APPEND (the message size limit) and elsewhere, the whole command, and the nesting of parenthesised lists.
 * RFC 9051 §4 sets no limits; RFC 7162 §4 asks servers to take lines of at least 8,192 octets.
 */
public record ReaderLimits(int maxLineOctets, long maxAppendLiteralOctets, long maxOtherLiteralOctets,
        long maxCommandOctets, int maxDepth) {
    public ReaderLimits {
        if (maxLineOctets < 1024) throw new IllegalArgumentException("lines of at least 1024 octets");
        if (maxAppendLiteralOctets < 0 || maxOtherLiteralOctets < 0 || maxDepth < 1) throw new IllegalArgumentException("negative limit");
        if (maxAppendLiteralOctets > Integer.MAX_VALUE - 64 || maxOtherLiteralOctets > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("literals are buffered in one array");
        }
        if (maxCommandOctets < maxLineOctets) throw new IllegalArgumentException("a command holds at least one line");
    }

    /**
     * 8 KiB lines (RFC 7162 §4), 35 MiB APPEND literals (a 25 MiB message in base64 with room), 64 KiB other
     * literals (search strings, passwords), 36 MiB per command, lists 16 deep (mox's and Dovecot's order).
     */
    public static ReaderLimits defaults() {
        return new ReaderLimits(8192, 35L << 20, 64L << 10, 36L << 20, 16);
    }

    /** The same limits with another APPEND literal cap: lower before login (as James does). */
    public ReaderLimits withMaxAppendLiteralOctets(long octets) {
        return new ReaderLimits(maxLineOctets, octets, maxOtherLiteralOctets, Math.max(maxCommandOctets, octets + maxLineOctets), maxDepth);
    }

    /**
     * Before login: no command takes a message, so a literal is at most a password or search string's size and a
     * whole command at most a few of them (an unauthenticated client cannot make the server hold megabytes).
     */
    public ReaderLimits beforeLogin() {
        return new ReaderLimits(maxLineOctets, maxOtherLiteralOctets, maxOtherLiteralOctets,
                Math.min(maxCommandOctets, 2 * maxOtherLiteralOctets + 2L * maxLineOctets), maxDepth);
    }
}
