package dev.tern.delivery.dsn;

import dev.tern.mail.Envelope;

/**
 * A composed DSN, ready to spool: its envelope (from {@code <>} to the original sender) and its content.
 *
 * @param envelope the DSN's own envelope; see {@link DsnComposer#writeTo}
 * @param content  the complete RFC 5322 message, CRLF lines
 */
public record DsnMessage(Envelope envelope, byte[] content) {
    public DsnMessage {
        if (envelope == null || content == null) throw new IllegalArgumentException("null DSN message part");
    }
}
