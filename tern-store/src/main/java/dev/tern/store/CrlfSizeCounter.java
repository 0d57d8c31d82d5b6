package dev.tern.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Passes a delivery's LF content on to its file and counts the size readers will see: each LF not preceded by a
 * CR becomes CRLF when read back ({@link LfToCrlf}), so the CRLF size is the octets written plus those LFs.
 * Closing it does not close the file.
 */
final class CrlfSizeCounter implements WritableByteChannel {
    private final WritableByteChannel out;
    private long written;
    private long bareLfs;
    private byte last;

    CrlfSizeCounter(WritableByteChannel out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        int start = source.position();
        int n = out.write(source);
        for (int i = start; i < start + n; i++) {
            byte b = source.get(i);
            if (b == '\n' && last != '\r') bareLfs++;
            last = b;
        }
        written += n;
        return n;
    }

    /** What {@link LfToCrlf} will give for what was written so far. */
    long crlfSize() {
        return written + bareLfs;
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() {
        // The file is the caller's.
    }
}
