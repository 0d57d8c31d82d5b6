package dev.tern.server;

import dev.tern.smtp.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Collects replies and sends them in as few writes as possible: the connection flushes only before it would
 * block on input, so the replies to a pipelined batch leave in one segment (RFC 2920 §3.1) and never wait on
 * Nagle's algorithm and the peer's delayed ACK.
 */
public final class ReplyWriter {
    private final OutputStream out;
    private byte[] pending = new byte[256];
    private int length;

    public ReplyWriter(OutputStream out) {
        this.out = out;
    }

    public void add(Reply reply) {
        byte[] bytes = reply.wireBytes();
        if (length + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, length, bytes.length);
        length += bytes.length;
    }

    public void flush() throws IOException {
        if (length == 0) return;
        out.write(pending, 0, length);
        out.flush();
        length = 0;
        if (pending.length > 1024) pending = new byte[256];
    }
}
