package dev.tern.smtp;

import java.io.IOException;
import java.util.Optional;

/**
 * Decodes a DATA body as it arrives (RFC 5321 §4.5.2, §4.1.1.4): removes dot-stuffing, ends only at
 * {@code <CRLF>.<CRLF>}, counts octets against the size limit and line lengths against the line limit, and
 * applies Tern's bare CR / bare LF policy (below). Output keeps CRLF line endings and excludes the
 * terminating {@code .<CRLF>}. After a failure it keeps consuming until the real end, writing nothing more,
 * so one DATA never becomes two messages.
 *
 * <p><b>End of data.</b> Only {@code <CRLF>.<CRLF>} ends the data, where the first CRLF may be the start of
 * the content ({@code .<CRLF>} as the very first line is an empty message). {@code <LF>.<LF>},
 * {@code <CR>.<CR>}, {@code <LF>.<CRLF>} and {@code <CRLF>.<LF>} never end it: a server that ended there
 * would read the rest as new commands, the "SMTP smuggling" attack of 2023.
 *
 * <p><b>Bare CR and bare LF</b> (RFC 5321 §2.3.8: CR and LF MUST only occur together as CRLF; §4.1.1.4).
 * A CR not followed by LF, or an LF not preceded by CR, anywhere in the content refuses the message with
 * {@code 550 5.6.0 Message contains bare CR or LF}, reported after the real end. Refusing rather than
 * repairing keeps Tern from relaying a message that another server would split differently.
 *
 * <p><b>Limits.</b> More than {@code maxOctets} decoded octets: {@code 552 5.3.4} (RFC 5321 §4.5.3.1.10,
 * RFC 1870 §6.3). A text line longer than {@code maxLineLength} octets without its CRLF (RFC 5321
 * §4.5.3.1.6: 998; RFC 5322 §2.1.1): {@code 500 5.5.2 Line too long}, the reply RFC 5321 §4.5.3.1.10 names
 * for this limit. The first failure found is the one reported.
 *
 * <p>Plain octets are handed to the sink in runs, one call per buffer in the common case, never one per
 * octet. Not thread-safe; one instance per message.
 */
public final class DotDecoder {
    private enum State { LINE_START, TEXT, CR, DOT, DOT_CR }

    private final long maxOctets;
    private final int maxLineLength;
    private State state = State.LINE_START;
    private long size;
    private long lineLength;
    private boolean done;
    private Reply failure;

    public DotDecoder(long maxOctets, int maxLineLength) {
        if (maxOctets < 0 || maxLineLength < 1) throw new IllegalArgumentException("limits must be positive");
        this.maxOctets = maxOctets;
        this.maxLineLength = maxLineLength;
    }

    /**
     * Consumes input from {@code buffer[offset, offset+length)}, writing decoded content to {@code sink}.
     * Returns how many input octets were consumed: all of them, or fewer when the end of data was found
     * (the rest belongs to the next command, RFC 2920 pipelining).
     */
    public int feed(byte[] buffer, int offset, int length, ByteSink sink) throws IOException {
        if (done) return 0;
        int end = offset + length;
        int i = offset;
        int run = offset; // start of decoded octets not yet handed to the sink
        while (i < end) {
            switch (state) {
                case LINE_START -> {
                    if (buffer[i] == '.') {
                        // RFC 5321 §4.5.2: a leading period is removed; if only CRLF follows, the data ends.
                        write(buffer, run, i, sink);
                        run = ++i;
                        state = State.DOT;
                    } else {
                        state = State.TEXT;
                    }
                }
                case TEXT -> {
                    int from = i;
                    while (i < end && buffer[i] != '\r' && buffer[i] != '\n') i++;
                    lineLength += i - from;
                    if (lineLength > maxLineLength) fail(Replies.LINE_TOO_LONG);
                    if (i < end) {
                        if (buffer[i] == '\n') fail(Replies.BARE_LINE_ENDING);
                        else state = State.CR;
                        i++;
                    }
                }
                case CR -> {
                    if (buffer[i] == '\n') {
                        i++;
                        lineLength = 0;
                        state = State.LINE_START;
                    } else {
                        fail(Replies.BARE_LINE_ENDING);
                        if (buffer[i] == '\r') i++;
                        else state = State.TEXT;
                    }
                }
                case DOT -> {
                    if (buffer[i] == '\r') {
                        // Hold the CR back: if LF follows, it is part of the terminator, not content.
                        write(buffer, run, i, sink);
                        run = ++i;
                        state = State.DOT_CR;
                    } else {
                        state = State.TEXT;
                    }
                }
                case DOT_CR -> {
                    if (buffer[i] == '\n') {
                        done = true;
                        return i + 1 - offset;
                    }
                    fail(Replies.BARE_LINE_ENDING); // ".<CR>x": the held CR was bare, and nothing is written now
                    run = i;
                    state = State.TEXT;
                }
            }
        }
        write(buffer, run, end, sink);
        return length;
    }

    @Override
    public String toString() {
        return "DotDecoder[maxOctets=" + maxOctets + ", maxLineLength=" + maxLineLength + "]";
    }

    /** True once {@code <CRLF>.<CRLF>} has been consumed. */
    public boolean done() {
        return done;
    }

    /** Decoded octets so far (counted on after a failure, though no longer written). */
    public long size() {
        return size;
    }

    /** Why the message must be refused (552 5.3.4 too big, 550 5.6.0 bare CR/LF, 500 5.5.2 line too long), if so. */
    public Optional<Reply> failure() {
        return Optional.ofNullable(failure);
    }

    private void write(byte[] buffer, int from, int to, ByteSink sink) throws IOException {
        int n = to - from;
        if (n <= 0) return;
        size += n;
        if (size > maxOctets) fail(Replies.TOO_BIG);
        if (failure == null) sink.write(buffer, from, n);
    }

    private void fail(Reply reply) {
        if (failure == null) failure = reply;
    }
}
