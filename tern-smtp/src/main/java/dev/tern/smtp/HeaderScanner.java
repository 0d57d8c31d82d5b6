package dev.tern.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Watches the start of message content (decoded, CRLF line endings) as it streams past: counts
 * {@code Received:} header fields for the hop limit (RFC 5321 §6.3), notes whether {@code Date:} and
 * {@code Message-ID:} are present (a submission server adds them when missing, RFC 6409 §8), and measures the
 * header section.
 *
 * <p>The header section ends at the first empty line (RFC 5322 §2.1); after that {@link #scan} returns at
 * once. A field counts when a line starts with {@code Received}, in any case, followed by optional spaces or
 * tabs (RFC 5322 §4.5.1 obs-optional) and a colon; continuation lines start with white space and never count.
 * The header size includes the CRLF of every header line but not the empty line. Not thread-safe; one instance
 * per message.
 */
public final class HeaderScanner {
    /** The header fields this scanner counts. */
    public enum Field {
        RECEIVED("received"), DATE("date"), MESSAGE_ID("message-id");

        private final byte[] name;

        Field(String name) {
            this.name = name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final Field[] FIELDS = Field.values();
    // Per field, where the current line stands: matching its name (0..length), just after it, or no match.
    private static final int NO_MATCH = -1;

    private final int maxHeaderOctets;
    private long headerOctets;        // complete header lines, CRLF included
    private long lineOctets;          // the current line so far
    private final int[] counts = new int[FIELDS.length];
    private boolean ended;
    private long sectionOctets;       // once ended: the header section's octets, the empty line included
    private long scanned;             // octets scanned so far
    private boolean lineEmpty = true; // nothing but (possibly) CR on the current line so far
    private final int[] match = new int[FIELDS.length]; // progress through each name, its length after it, or NO_MATCH

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
                    sectionOctets = scanned + (i - offset) + 1;
                    scanned = sectionOctets;
                    return;
                }
                headerOctets += lineOctets + 1;
                lineOctets = 0;
                lineEmpty = true;
                Arrays.fill(match, 0);
            } else {
                lineOctets++;
                if (b != '\r') lineEmpty = false;
                for (int f = 0; f < FIELDS.length; f++) advance(f, b);
            }
        }
        if (!ended) scanned += length;
    }

    /**
     * Once {@link #headerEnded()}: the octets from the start of the content to the end of the empty line that ends
     * the header section, that line included (so the body starts at this offset).
     */
    public long headerSectionLength() {
        if (!ended) throw new IllegalStateException("the header section has not ended");
        return sectionOctets;
    }

    public int receivedCount() {
        return counts[Field.RECEIVED.ordinal()];
    }

    /** How many header fields of this name the header section had so far. */
    public int count(Field field) {
        return counts[field.ordinal()];
    }

    /** True when the header section (up to the first empty line) exceeded the limit. */
    public boolean headerTooLarge() {
        return headerOctets + (lineEmpty ? 0 : lineOctets) > maxHeaderOctets;
    }

    /** True once the empty line ending the header section has been seen. */
    public boolean headerEnded() {
        return ended;
    }

    private void advance(int field, byte b) {
        int at = match[field];
        if (at == NO_MATCH) return;
        byte[] name = FIELDS[field].name;
        if (at < name.length) {
            match[field] = (b | 0x20) == name[at] ? at + 1 : NO_MATCH;
        } else if (b == ':') {
            counts[field]++;
            match[field] = NO_MATCH;
        } else if (b != ' ' && b != '\t') {
            match[field] = NO_MATCH;
        }
    }
}
