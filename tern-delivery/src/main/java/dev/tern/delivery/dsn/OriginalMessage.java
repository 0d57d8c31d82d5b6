package dev.tern.delivery.dsn;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where the original message's content (RFC 5322 header and body, CRLF lines, as spooled) can be read. The
 * composer opens it once and reads at most {@link DsnSettings#returnLimit()} + 1 octets, so a large message
 * is never copied whole; it closes the stream it opened.
 */
@FunctionalInterface
public interface OriginalMessage {
    /** No content to return: the DSN then has no third part (RFC 6522 §3 makes it optional). */
    OriginalMessage NONE = () -> InputStream.nullInputStream();

    InputStream open() throws IOException;

    static OriginalMessage of(byte[] content) {
        byte[] copy = content.clone();
        return () -> new ByteArrayInputStream(copy);
    }
}
