package dev.tern.spool;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import java.io.IOException;

/**
 * One message being received. Write the content, then {@link #commit}; {@link #close} without commit discards
 * it and leaves nothing visible. Used by one thread. STUB: contract only.
 */
public final class MessageWriter implements AutoCloseable {
    public QueueId id() { throw new UnsupportedOperationException(); }

    public void write(byte[] buffer, int offset, int length) throws IOException { throw new UnsupportedOperationException(); }

    public long size() { throw new UnsupportedOperationException(); }

    /**
     * Makes the message durable: on return content and envelope are fsynced and recoverable.
     *
     * @throws SpoolFullException when the disk is full (the caller answers 452 4.3.1)
     * @throws IOException        on any other failure (the caller answers 451 4.3.0)
     */
    public void commit(Envelope envelope) throws IOException { throw new UnsupportedOperationException(); }

    @Override
    public void close() { throw new UnsupportedOperationException(); }
}
