package dev.tern.imap;

import java.time.LocalDate;
import java.util.List;

/**
 * A search criterion of RFC 9051 §6.4.4 (with RFC 7162 §3.1.5 MODSEQ and RFC 3501's NEW, OLD and RECENT,
 * which become flag tests). FROM, TO, CC, BCC and SUBJECT are {@link Header} tests of that field, which is what
 * §6.4.4 defines them as.
 */
public sealed interface SearchKey {
    record All() implements SearchKey {}

    /** A set of sequence numbers (or {@code $}). */
    record Sequence(SequenceSet set) implements SearchKey {}

    record Uid(SequenceSet set) implements SearchKey {}

    /** ANSWERED, DELETED, DRAFT, FLAGGED, SEEN, KEYWORD x. */
    record HasFlag(Flag flag) implements SearchKey {}

    /** UNANSWERED, UNDELETED, UNDRAFT, UNFLAGGED, UNSEEN, UNKEYWORD x. */
    record LacksFlag(Flag flag) implements SearchKey {}

    /** HEADER name value, and FROM/TO/CC/BCC/SUBJECT; an empty value matches every message with the field. */
    record Header(String field, String value) implements SearchKey {}

    record Body(String value) implements SearchKey {}

    record Text(String value) implements SearchKey {}

    enum Comparison {
        BEFORE,
        ON,
        SINCE
    }

    /** BEFORE, ON, SINCE: the internal date, by day, time and zone disregarded. */
    record InternalDate(Comparison comparison, LocalDate date) implements SearchKey {}

    /** SENTBEFORE, SENTON, SENTSINCE: the Date header field. */
    record SentDate(Comparison comparison, LocalDate date) implements SearchKey {}

    record Larger(long octets) implements SearchKey {}

    record Smaller(long octets) implements SearchKey {}

    /** RFC 7162 §3.1.5: messages with a mod-sequence at least this. */
    record ModSeq(long modSeq) implements SearchKey {}

    record Not(SearchKey key) implements SearchKey {}

    record Or(SearchKey left, SearchKey right) implements SearchKey {}

    /** Keys side by side, or in parentheses: all must match. */
    record And(List<SearchKey> keys) implements SearchKey {
        public And {
            keys = List.copyOf(keys);
            if (keys.isEmpty()) throw new IllegalArgumentException("empty AND");
        }
    }
}
