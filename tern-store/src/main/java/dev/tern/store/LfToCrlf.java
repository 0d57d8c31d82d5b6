package dev.tern.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a Maildir file (LF line endings, {@code docs/maildir.md}) as the CRLF message a reader receives: each LF
 * not preceded by CR gets one. {@link #crlfSize} counts the same way, so a message's RFC822.SIZE is exactly the
 * number of octets this stream gives.
 */
final class LfToCrlf extends FilterInputStream {
    private boolean previousCr;
    private boolean pendingLf;

    LfToCrlf(InputStream lf) {
        super(lf);
    }

    @Override
    public int read() throws IOException {
        if (pendingLf) {
            pendingLf = false;
            previousCr = false;
            return '\n';
        }
        int b = in.read();
        if (b == '\n' && !previousCr) {
            pendingLf = true;
            previousCr = true;
            return '\r';
        }
        previousCr = b == '\r';
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) return 0;
        int n = 0;
        while (n < length) {
            // Fast path for whole chunks would need a second buffer; one byte at a time over a buffered stream is
            // what the cost is dominated by anyway (the socket write).
            int b = read();
            if (b < 0) break;
            buffer[offset + n++] = (byte) b;
            if (n > 0 && in.available() == 0 && !pendingLf) break;
        }
        return n == 0 ? -1 : n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && read() >= 0) skipped++;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return pendingLf ? 1 : in.available();
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** The CRLF size of LF content: its octets plus one per LF not preceded by CR. */
    static long crlfSize(InputStream lf) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        boolean previousCr = false;
        int n;
        while ((n = lf.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n' && !previousCr) size++;
                previousCr = b == '\r';
            }
            size += n;
        }
        return size;
    }
}
