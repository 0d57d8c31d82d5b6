package dev.tern.imap;

import dev.tern.store.MessageStructure;
import java.util.List;
import java.util.Optional;

/** FETCH data built from a message's structure and content (RFC 9051 §7.5.2, RFC 3516). */
public final class MessageData {
    private MessageData() {}

    /** ENVELOPE. */
    public static Value envelope(MessageStructure.Envelope envelope) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** BODYSTRUCTURE ({@code extensible}) or BODY (not). */
    public static Value bodyStructure(MessageStructure.Part part, boolean extensible) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * The octets {@code BODY[section]} names, before any {@code <partial>}; empty octets when the part does not
     * exist (RFC 9051 §6.4.5).
     */
    public static byte[] section(byte[] content, MessageStructure structure, FetchItem.Section section) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * {@code BINARY[part]}: the part's body with its Content-Transfer-Encoding undone; empty when the encoding is
     * unknown (the session answers {@code NO [UNKNOWN-CTE]}, RFC 3516 §4.3).
     */
    public static Optional<byte[]> binary(byte[] content, MessageStructure structure, List<Integer> part) {
        throw new UnsupportedOperationException("not built yet");
    }
}
