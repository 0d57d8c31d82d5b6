package dev.tern.smtp;

import java.io.IOException;
import java.util.Optional;

/**
 * The text rules for content that arrives in BDAT chunks (RFC 3030), the same rules {@link DotDecoder} applies
 * to DATA, so that one message is refused or accepted alike whichever command carried it:
 * <ul>
 * <li>Bare CR and bare LF (RFC 5321 §2.3.8: CR and LF MUST only occur together as CRLF): a CR not followed by
 *     LF, an LF not preceded by CR, or a CR as the last octet of the message refuses it with {@code 550 5.6.0}.
 *     Without BINARYMIME (not offered) a chunked message is text like any other, and a bare line ending would
 *     split differently at the next hop (SMTP smuggling, CVE-2023-51764).
 * <li>A text line longer than {@code maxLineLength} octets without its CRLF (RFC 5321 §4.5.3.1.6):
 *     {@code 500 5.5.2}.
 * </ul>
 * The rules hold across chunk boundaries. After the first failure nothing more is passed on, but every octet
 * is still consumed; the failure is reported at the end of the message, as for DATA. Not thread-safe; one
 * instance per message.
 */
final class LineCheck implements ByteSink {
    private final ByteSink sink;
    private final int maxLineLength;
    private long lineLength;
    private boolean afterCr;
    private Reply failure;

    LineCheck(ByteSink sink, int maxLineLength) {
        if (maxLineLength < 1) throw new IllegalArgumentException("maxLineLength must be positive");
        this.sink = sink;
        this.maxLineLength = maxLineLength;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = buffer[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    lineLength = 0;
                    continue;
                }
                fail(Replies.BARE_LINE_ENDING);
            }
            if (b == '\r') {
                afterCr = true;
            } else if (b == '\n') {
                fail(Replies.BARE_LINE_ENDING);
            } else if (++lineLength > maxLineLength) {
                fail(Replies.LINE_TOO_LONG);
            }
        }
        if (failure == null) sink.write(buffer, offset, length);
    }

    /** Why the message must be refused, judged once all of it has arrived. */
    Optional<Reply> failure() {
        if (afterCr) fail(Replies.BARE_LINE_ENDING); // the message ended in a CR with no LF after it
        return Optional.ofNullable(failure);
    }

    private void fail(Reply reply) {
        if (failure == null) failure = reply;
    }
}
