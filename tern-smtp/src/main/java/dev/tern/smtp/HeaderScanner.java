package dev.tern.smtp;

import java.nio.charset.StandardCharsets;

/**
 * Watches the start of message content (decoded, CRLF line endings) as it streams past: counts
 * {@code Received:} header fields for the hop limit (RFC 5321 §6.3) and the size of the header section.
 *
 * <p>The header section ends at the first empty line (RFC 5322 §2.1); after that {@link #scan} returns at
 * once. A field counts when a line starts with {@code Received}, in any case, followed by optional spaces or
 * tabs (RFC 5322 §4.5.1 obs-optional) and a colon; continuation lines start with white space and never count.
 * The header size includes the CRLF of every header line but not the empty line. Not thread-safe; one instance
 * per message.
 */
public final class HeaderScanner {
    private static final byte[] NAME = "received".getBytes(StandardCharsets.US_ASCII);
    // Where the current line stands: matching the name (0..NAME.length), after the name, or elsewhere.
    private static final int AFTER_NAME = NAME.length;
    private static final int NO_MATCH = -1;

    private final int maxHeaderOctets;
    private long headerOctets;        // complete header lines, CRLF included
    private long lineOctets;          // the current line so far
    private int receivedCount;
    private boolean ended;
    private boolean lineEmpty = true; // nothing but (possibly) CR on the current line so far
    private int match;                // progress through "received", AFTER_NAME, or NO_MATCH

    public HeaderScanner(int maxHeaderOctets) {
        if (maxHeaderOctets < 1) throw new IllegalArgumentException("maxHeaderOctets must be positive");
        this.maxHeaderOctets = maxHeaderOctets;
    }

    public void scan(byte[] buffer, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end && !ended; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                // RFC 5322 §2.1: the first empty line separates the header section from the body.
                if (lineEmpty) {
                    ended = true;
                    return;
                }
                headerOctets += lineOctets + 1;
                lineOctets = 0;
                lineEmpty = true;
                match = 0;
            } else {
                lineOctets++;
                if (b != '\r') lineEmpty = false;
                advance(b);
            }
        }
    }

    public int receivedCount() {
        return receivedCount;
    }

    /** True when the header section (up to the first empty line) exceeded the limit. */
    public boolean headerTooLarge() {
        return headerOctets + (lineEmpty ? 0 : lineOctets) > maxHeaderOctets;
    }

    /** True once the empty line ending the header section has been seen. */
    public boolean headerEnded() {
        return ended;
    }

    private void advance(byte b) {
        if (match == NO_MATCH) return;
        if (match < AFTER_NAME) {
            match = (b | 0x20) == NAME[match] ? match + 1 : NO_MATCH;
        } else if (b == ':') {
            receivedCount++;
            match = NO_MATCH;
        } else if (b != ' ' && b != '\t') {
            match = NO_MATCH;
        }
    }
}
