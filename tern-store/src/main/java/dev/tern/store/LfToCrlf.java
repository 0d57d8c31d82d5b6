package dev.tern.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a Maildir file (LF line endings, {@code docs/maildir.md}) as the CRLF message a reader receives: each LF
 * not preceded by CR gets one; a lone CR, and a CR already before an LF, stay as they are. {@link #crlfSize}
 * counts the same way, so a message's RFC822.SIZE is exactly the number of octets this stream gives.
 *
 * <p>Works a buffer at a time: it reads the file into its own buffer, then copies the runs between LFs with
 * {@link System#arraycopy}, adding a CR in front of each bare LF. An LF whose CR filled the caller's buffer is
 * given first on the next read. It never blocks for more input once it has something to return.
 */
final class LfToCrlf extends FilterInputStream {
    static final int BUFFER_SIZE = 16 * 1024;
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final byte[] raw;
    private final byte[] one = new byte[1];
    private int position; // next unread octet of raw
    private int limit; // end of what raw holds
    private boolean previousCr; // the last octet given was a CR
    private boolean pendingLf; // a CR was given for an LF that did not fit: the LF comes next

    LfToCrlf(InputStream lf) {
        this(lf, BUFFER_SIZE);
    }

    LfToCrlf(InputStream lf, int bufferSize) {
        super(lf);
        if (bufferSize < 1) throw new IllegalArgumentException("buffer size must be positive");
        this.raw = new byte[bufferSize];
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) return 0;
        int out = offset;
        int end = offset + length;
        if (pendingLf) {
            buffer[out++] = LF;
            pendingLf = false;
        }
        while (out < end) {
            if (position == limit) {
                if (out > offset) break; // something to give: do not block for more
                int n = in.read(raw, 0, raw.length);
                if (n < 0) return -1;
                position = 0;
                limit = n;
                continue;
            }
            // One run: up to the next LF, the end of what was read, or the room left.
            int stop = Math.min(limit, position + (end - out));
            int i = position;
            while (i < stop && raw[i] != LF) i++;
            int run = i - position;
            if (run > 0) {
                System.arraycopy(raw, position, buffer, out, run);
                out += run;
                previousCr = raw[i - 1] == CR;
                position = i;
            }
            if (i < stop) { // raw[i] is an LF, and there is room for at least one octet
                position++;
                if (!previousCr) {
                    buffer[out++] = CR;
                    if (out == end) {
                        pendingLf = true;
                        previousCr = false;
                        break;
                    }
                }
                buffer[out++] = LF;
                previousCr = false;
            }
        }
        return out - offset;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), BUFFER_SIZE)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) break;
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        int buffered = (limit - position) + (pendingLf ? 1 : 0);
        return buffered > 0 ? buffered : in.available();
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // Not supported (markSupported is false): nothing to remember.
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    /** The CRLF size of LF content: its octets plus one per LF not preceded by CR. */
    static long crlfSize(InputStream lf) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        boolean previousCr = false;
        int n;
        while ((n = lf.read(buffer)) >= 0) {
            if (n == 0) continue;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == LF && !(i == 0 ? previousCr : buffer[i - 1] == CR)) size++;
            }
            previousCr = buffer[n - 1] == CR;
            size += n;
        }
        return size;
    }
}
