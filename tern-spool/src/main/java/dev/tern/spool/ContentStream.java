package dev.tern.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The content of one message: a region of a segment, read with positional reads on a channel of its own, so
 * that readers never share a file position and a segment deleted meanwhile stays readable until closed.
 */
final class ContentStream extends InputStream {
    private final FileChannel channel;
    private long position;
    private long remaining;

    ContentStream(FileChannel channel, long position, long length) {
        this.channel = channel;
        this.position = position;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) return 0;
        if (remaining == 0) return -1;
        int n = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, remaining)), position);
        if (n < 0) throw new IOException("spool segment ended inside a message");
        position += n;
        remaining -= n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, remaining));
        position += skipped;
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
