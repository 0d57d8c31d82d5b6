package dev.tern.server;

import dev.tern.smtp.ByteSink;
import dev.tern.smtp.DotDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The reading side of a connection: command lines with a length limit, DATA content through a
 * {@link DotDecoder}, and BDAT chunks of exact length, all from one buffer so that pipelined input
 * (RFC 2920) is never lost between them.
 *
 * <p>The buffer starts small, because idle sessions must stay cheap (thousands of them), and grows only while
 * content is being read. Before every read that may block, {@link #beforeBlocking} runs: the connection
 * flushes its pending replies there, so a pipelined batch is answered in one write. Public for the other
 * loop that runs an {@code SmtpSession}: {@code tern sendmail -bs} on standard input.
 */
public final class SmtpInput {
    private static final int SMALL = 1024;
    private static final int LARGE = 64 * 1024;

    private final InputStream in;
    private final BeforeRead beforeBlocking;
    private byte[] buffer = new byte[SMALL];
    private int start;
    private int end;

    /** The result of reading a command line. */
    public sealed interface Line {
        record Text(String text) implements Line {}

        record TooLong() implements Line {}

        record Eof() implements Line {}
    }

    /** Runs before every read that may block: flush replies, arm the read timeout, or give up. */
    @FunctionalInterface
    public interface BeforeRead {
        void prepare() throws IOException;
    }

    public SmtpInput(InputStream in, BeforeRead beforeBlocking) {
        this.in = in;
        this.beforeBlocking = beforeBlocking;
    }

    /** Octets read from the socket but not used yet (pipelined input). */
    public int buffered() {
        return end - start;
    }

    /**
     * Reads one line ending in LF (a CR before it is dropped). A line longer than {@code max} octets with its
     * CRLF is consumed up to its end and reported as {@link Line.TooLong} (RFC 5321 §4.5.3.1.4).
     */
    public Line readLine(int max) throws IOException {
        boolean tooLong = false;
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    int length = i + 1 - start;
                    String text = tooLong || length > max ? null
                            : new String(buffer, start, lineEnd - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    shrink(); // a long AUTH line (RFC 4954 §4) may have grown the buffer
                    return text == null ? new Line.TooLong() : new Line.Text(text);
                }
            }
            if (end - start >= max) {
                // Too long already: drop what we have and keep looking for the end of the line.
                tooLong = true;
                byte last = buffer[end - 1];
                start = 0;
                end = 0;
                if (last == '\r') buffer[end++] = '\r';
            }
            if (!fill()) return new Line.Eof();
        }
    }

    /** Feeds content to {@code decoder} until it has seen the end of data. */
    public void readData(DotDecoder decoder, ByteSink sink) throws IOException {
        grow();
        while (true) {
            if (start < end) {
                start += decoder.feed(buffer, start, end - start, sink);
                if (decoder.done()) break;
            }
            if (!fill()) throw new EOFException("connection closed during DATA");
        }
        shrink();
    }

    /** Passes exactly {@code octets} octets to {@code sink} (a BDAT chunk, RFC 3030 §2). */
    public void readExactly(long octets, ByteSink sink) throws IOException {
        if (octets > SMALL) grow();
        long remaining = octets;
        while (remaining > 0) {
            if (start == end && !fill()) throw new EOFException("connection closed during BDAT");
            int n = (int) Math.min(remaining, end - start);
            sink.write(buffer, start, n);
            start += n;
            remaining -= n;
        }
        shrink();
    }

    private boolean fill() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == buffer.length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            byte[] bigger = new byte[buffer.length * 2];
            System.arraycopy(buffer, 0, bigger, 0, end);
            buffer = bigger;
        }
        beforeBlocking.prepare();
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) return false;
        end += n;
        return true;
    }

    private void grow() {
        if (buffer.length < LARGE) {
            byte[] bigger = new byte[LARGE];
            System.arraycopy(buffer, start, bigger, 0, end - start);
            end -= start;
            start = 0;
            buffer = bigger;
        }
    }

    private void shrink() {
        if (buffer.length > SMALL && end - start <= SMALL) {
            byte[] smaller = new byte[SMALL];
            System.arraycopy(buffer, start, smaller, 0, end - start);
            end -= start;
            start = 0;
            buffer = smaller;
        }
    }
}
