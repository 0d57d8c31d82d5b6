package dev.tern.store;

import java.time.Instant;
import java.util.Set;

/**
 * What the index knows of a message without opening it.
 *
 * @param uid          its UID in the folder (RFC 9051 §2.3.1.1), never reused under one UIDVALIDITY
 * @param modSeq       the mod-sequence of its last change (RFC 7162 §2), at least 1
 * @param flags        system flags in canonical case ({@code \Seen}, {@code \Answered}, {@code \Flagged},
 *                     {@code \Deleted}, {@code \Draft}) and keywords as set; never {@code \Recent}
 * @param internalDate when it arrived (or APPEND's date)
 * @param size         its size with CRLF line endings: RFC822.SIZE, what a reader receives
 */
public record MessageMeta(long uid, long modSeq, Set<String> flags, Instant internalDate, long size) {
    /** Flags and keywords one message may carry (IMAP answers {@code NO [LIMIT]} beyond it). */
    public static final int MAX_FLAGS = 256;

    public MessageMeta {
        if (uid < 1 || uid > 0xFFFF_FFFFL) throw new IllegalArgumentException("uid out of range: " + uid);
        if (modSeq < 1) throw new IllegalArgumentException("modseq out of range: " + modSeq);
        if (flags == null || internalDate == null || size < 0) throw new IllegalArgumentException("incomplete message meta");
        flags = Set.copyOf(flags);
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }
}
