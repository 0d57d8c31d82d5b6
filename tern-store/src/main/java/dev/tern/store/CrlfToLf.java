package dev.tern.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Copies a message, turning CRLF into LF: SMTP carries lines ending in CRLF (RFC 5321 §2.3.8), Maildir files
 * end them in LF. A CR not followed by LF is data and is kept. Works a buffer at a time, compacting in place,
 * because every delivered byte passes through here.
 */
final class CrlfToLf {
    static final int BUFFER_SIZE = 64 * 1024;
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private CrlfToLf() {}

    /** Copies all of {@code in} to {@code out}, using {@code buffer}; returns the number of bytes written. */
    static long copy(InputStream in, WritableByteChannel out, byte[] buffer) throws IOException {
        long written = 0;
        boolean pendingCr = false; // a CR ended the previous buffer: its fate depends on the next byte
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (n == 0) continue;
            if (pendingCr && buffer[0] != LF) written += write(out, new byte[] {CR}, 1);
            pendingCr = false;
            int kept = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == CR) {
                    if (i + 1 == n) {
                        pendingCr = true;
                        continue;
                    }
                    if (buffer[i + 1] == LF) continue;
                }
                buffer[kept++] = b;
            }
            written += write(out, buffer, kept);
        }
        if (pendingCr) written += write(out, new byte[] {CR}, 1);
        return written;
    }

    private static int write(WritableByteChannel out, byte[] bytes, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        while (buffer.hasRemaining()) out.write(buffer);
        return length;
    }
}
