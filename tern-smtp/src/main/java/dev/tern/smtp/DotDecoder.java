package dev.tern.smtp;

import java.io.IOException;
import java.util.Optional;

/**
 * Decodes a DATA body as it arrives (RFC 5321 §4.5.2, §4.1.1.4): removes dot-stuffing, ends only at
 * {@code <CRLF>.<CRLF>}, counts octets against the size limit and line lengths against the line limit, and
 * applies Tern's bare CR / bare LF policy (see the class body). Output keeps CRLF line endings and excludes the
 * terminating {@code .<CRLF>}. After a failure it keeps consuming until the real end, writing nothing more,
 * so one DATA never becomes two messages.
 */
public final class DotDecoder {
    // STUB: the public contract; implementation under way.
    public DotDecoder(long maxOctets, int maxLineLength) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Consumes input from {@code buffer[offset, offset+length)}, writing decoded content to {@code sink}.
     * Returns how many input octets were consumed: all of them, or fewer when the end of data was found
     * (the rest belongs to the next command, RFC 2920 pipelining).
     */
    public int feed(byte[] buffer, int offset, int length, ByteSink sink) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** True once {@code <CRLF>.<CRLF>} has been consumed. */
    public boolean done() { throw new UnsupportedOperationException(); }

    /** Decoded octets so far. */
    public long size() { throw new UnsupportedOperationException(); }

    /** Why the message must be refused (552 5.3.4 too big, 550 5.6.0 bare CR/LF, 500 5.5.2? line too long), if so. */
    public Optional<Reply> failure() { throw new UnsupportedOperationException(); }
}
