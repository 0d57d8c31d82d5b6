package dev.tern.smtp;

/**
 * Watches the start of message content (decoded, CRLF line endings) as it streams past: counts
 * {@code Received:} header fields for the hop limit (RFC 5321 §6.3) and the size of the header section.
 */
public final class HeaderScanner {
    // STUB: the public contract; implementation under way.
    public HeaderScanner(int maxHeaderOctets) { throw new UnsupportedOperationException("not yet"); }

    public void scan(byte[] buffer, int offset, int length) { throw new UnsupportedOperationException(); }

    public int receivedCount() { throw new UnsupportedOperationException(); }

    /** True when the header section (up to the first empty line) exceeded the limit. */
    public boolean headerTooLarge() { throw new UnsupportedOperationException(); }
}
