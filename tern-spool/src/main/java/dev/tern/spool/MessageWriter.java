package dev.tern.spool;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message being received. Write the content, then {@link #commit}; {@link #close} without commit discards
 * it and leaves nothing visible. Used by one thread.
 *
 * <p>Content is held in memory up to {@link SpoolSettings#memoryBytes()}; beyond that it goes to a spill file
 * under the spool's {@code tmp/} directory, deleted on {@link #close} (and at open, after a crash). Either way
 * the CRC32C of the content is computed as it arrives, and {@link #commit} appends content and envelope to
 * the spool's log as one record. Always close a writer, committed or not: try-with-resources.
 */
public final class MessageWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);
    private static final int INITIAL_BYTES = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private enum State { OPEN, COMMITTED, FAILED, CLOSED }

    private final Spool spool;
    private final QueueId id;
    private final Path spillPath;
    private final int memoryBytes;
    private final CRC32C crc = new CRC32C();
    private byte[] buffer = new byte[INITIAL_BYTES];
    private FileChannel spill;
    private long size;
    private State state = State.OPEN;

    MessageWriter(Spool spool, QueueId id, Path spillPath, int memoryBytes) {
        this.spool = spool;
        this.id = id;
        this.spillPath = spillPath;
        this.memoryBytes = memoryBytes;
    }

    /** The queue id this message will have once committed. */
    public QueueId id() {
        return id;
    }

    /**
     * Appends content bytes, as they will be delivered (CRLF line endings, dot-unstuffed).
     *
     * @throws SpoolFullException when the spill file cannot grow, or would leave less than the free-space reserve;
     *                            the writer is then unusable
     */
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (state != State.OPEN) throw new IllegalStateException("message writer is " + state);
        crc.update(bytes, offset, length);
        try {
            if (spill == null && size + length <= memoryBytes) {
                if (size + length > buffer.length) {
                    long grown = Math.max(size + length, 2L * buffer.length);
                    buffer = Arrays.copyOf(buffer, (int) Math.min(memoryBytes, grown));
                }
                System.arraycopy(bytes, offset, buffer, (int) size, length);
            } else {
                // The spill file takes disk space as it grows: stop before it eats the reserve (452 4.3.1).
                if (!spool.hasRoomFor(size + length)) {
                    throw new SpoolFullException("spool file system below its free-space reserve", null);
                }
                if (spill == null) startSpill();
                writeFully(ByteBuffer.wrap(bytes, offset, length));
            }
        } catch (IOException e) {
            state = State.FAILED;
            throw SpoolFullException.ifNoSpace(e);
        }
        size += length;
    }

    /** Content bytes written so far. */
    public long size() {
        return size;
    }

    /**
     * Makes the message durable: on return content and envelope are fsynced and recoverable, and
     * {@link Spool#pending()} lists it. May be called once. If it throws, the message is not in the spool
     * (unless the process dies inside this call, when it may or may not be: the client was not told 250 and
     * may send it again, so a duplicate is possible, never a loss).
     *
     * @throws SpoolFullException when the disk is full (the caller answers 452 4.3.1)
     * @throws IOException        on any other failure (the caller answers 451 4.3.0)
     */
    public void commit(Envelope envelope) throws IOException {
        commit(envelope, EMPTY, 0, false);
    }

    /**
     * As {@link #commit(Envelope)}, with {@code head} (whole header fields, each ending in CRLF) put in front of the
     * content written, and the message's initial {@code flags} ({@link SpooledMessage#QUARANTINE}). The content
     * stage writes the body as it arrives and settles the header section only at the end of the data.
     */
    public void commit(Envelope envelope, byte[] head, int flags) throws IOException {
        commit(envelope, head, flags, false);
    }

    /**
     * As {@link #commit(Envelope)}, for a notice the server makes itself about mail it already holds (a DSN): it
     * may use the free-space reserve, as delivery and state changes do, so that a sender is told what happened
     * even when the disk is too full for new mail. Only ENOSPC itself refuses it.
     */
    public void commitNotice(Envelope envelope) throws IOException {
        commit(envelope, EMPTY, 0, true);
    }

    /** As {@link #commitNotice(Envelope)}, with header fields in front of the content (a DKIM signature). */
    public void commitNotice(Envelope envelope, byte[] head) throws IOException {
        commit(envelope, head, 0, true);
    }

    private void commit(Envelope envelope, byte[] head, int flags, boolean fromReserve) throws IOException {
        if (state != State.OPEN) throw new IllegalStateException("message writer is " + state);
        state = State.FAILED;
        Content content = spill == null ? new Content.Bytes(buffer, (int) size) : new Content.Region(spill, 0, size);
        int contentCrc = (int) crc.getValue();
        if (head.length > 0) {
            contentCrc = headedCrc(head);
            content = new Content.Headed(head.clone(), content);
        }
        spool.commit(id, envelope, content, contentCrc, flags, fromReserve);
        state = State.COMMITTED;
        release();
    }

    /** The CRC32C of {@code head} and then the content: the streaming one covers the content alone. */
    private int headedCrc(byte[] head) throws IOException {
        CRC32C headed = new CRC32C();
        headed.update(head);
        if (spill == null) {
            headed.update(buffer, 0, (int) size);
            return (int) headed.getValue();
        }
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long at = 0;
        while (at < size) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), size - at));
            int n = spill.read(chunk, at);
            if (n <= 0) throw new IOException("spill file ended early");
            at += n;
            headed.update(chunk.flip());
        }
        return (int) headed.getValue();
    }

    /** Discards the message unless committed; frees its memory and spill file. Idempotent. */
    @Override
    public void close() {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        release();
    }

    private void startSpill() throws IOException {
        spill = FileChannel.open(spillPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        writeFully(ByteBuffer.wrap(buffer, 0, (int) size));
        buffer = null;
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) spill.write(bytes);
    }

    private void release() {
        buffer = null;
        if (spill == null) return;
        try {
            spill.close();
            Files.deleteIfExists(spillPath);
        } catch (IOException e) {
            // Not fatal: Spool.open empties tmp/ after a restart. Said here so the leak is not silent.
            log.warn("id={} cannot delete spill file", id, e);
        }
        spill = null;
    }
}
