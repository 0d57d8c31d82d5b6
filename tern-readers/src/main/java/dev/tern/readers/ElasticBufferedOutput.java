package dev.tern.readers;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A buffered output stream whose buffer grows while a step's responses are written (up to {@code max}, then it
 * writes through) and is given back at each {@link #flush()}. A connection loop flushes once per step, so an idle
 * session holds no output buffer at all (issue 8: idle IMAP sessions at most 32 KiB each), while a
 * {@code FETCH 1:*} still goes out in {@code max}-sized writes. Not thread-safe: one connection loop owns it.
 */
final class ElasticBufferedOutput extends OutputStream {
    private static final byte[] NONE = new byte[0];
    private static final int FIRST = 512;

    private final OutputStream out;
    private final int max;
    private byte[] buffer = NONE;
    private int count;

    ElasticBufferedOutput(OutputStream out, int max) {
        if (out == null || max < FIRST) throw new IllegalArgumentException("an output and a maximum of at least " + FIRST);
        this.out = out;
        this.max = max;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) room(1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] octets, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, octets.length);
        if (length >= max) {
            drain();
            out.write(octets, offset, length);
            return;
        }
        if (count + length > buffer.length) room(length);
        System.arraycopy(octets, offset, buffer, count, length);
        count += length;
    }

    /** Writes what is buffered and releases the buffer: the next step starts small again. */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
        buffer = NONE;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    /** The buffer's size now (0 after a flush). */
    int capacity() {
        return buffer.length;
    }

    /** Makes room for {@code length} more octets (less than {@code max}): grows up to {@code max}, else drains. */
    private void room(int length) throws IOException {
        if (count + length > max) drain();
        if (count + length > buffer.length) {
            int size = Math.min(max, Math.max(FIRST, Math.max(buffer.length * 2, count + length)));
            buffer = Arrays.copyOf(buffer, size);
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }
}
