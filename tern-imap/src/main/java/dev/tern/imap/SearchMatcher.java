package dev.tern.imap;

import dev.tern.store.MessageMeta;
import dev.tern.store.MessageStructure;

/** Evaluates RFC 9051 §6.4.4 search criteria against one message. */
public final class SearchMatcher {
    private SearchMatcher() {}

    /** What a search may look at; content and structure are fetched only when a key needs them. */
    public interface Candidate {
        /** Its message sequence number in the session's view. */
        long sequence();

        /** The largest sequence number and UID of the view, for {@code *}. */
        long largestSequence();

        long largestUid();

        MessageMeta meta();

        /** The CRLF content; empty octets when the message is gone. */
        byte[] content();

        /** Its structure; a minimal one when the message is gone. */
        MessageStructure structure();
    }

    /** Whether {@code candidate} matches {@code key}; text comparisons are case-insensitive substring ones. */
    public static boolean matches(SearchKey key, Candidate candidate) {
        throw new UnsupportedOperationException("not built yet");
    }
}
