package dev.tern.spool;

import dev.tern.mail.QueueId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The durable queue: the only hand-off between receiving and delivering (see docs/spool.md).
 * STUB: the public contract; implementation under way.
 *
 * <p>Thread-safe. {@link MessageWriter#commit} returns only when content and envelope are on disk (fsynced)
 * and will be found again by {@link #open} after a crash; before that nothing of the message is visible.
 */
public final class Spool implements AutoCloseable {
    /** Opens (creating if needed) the spool under {@code directory} and recovers what a crash left. */
    public static Spool open(Path directory, SpoolSettings settings) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Starts a new message with a fresh queue id. */
    public MessageWriter begin() throws IOException { throw new UnsupportedOperationException(); }

    /** Calls {@code listener} with the id of every message committed from now on, after it is durable. */
    public void addListener(Consumer<QueueId> listener) { throw new UnsupportedOperationException(); }

    /** Committed messages that still have recipients to deliver, oldest first. */
    public List<QueueId> pending() { throw new UnsupportedOperationException(); }

    /** A committed message's envelope and per-recipient state. */
    public SpooledMessage read(QueueId id) throws IOException { throw new UnsupportedOperationException(); }

    /** The message content as received (CRLF line endings, starting with Tern's Received: header). */
    public InputStream openContent(QueueId id) throws IOException { throw new UnsupportedOperationException(); }

    /** Recipient {@code index} reached its final state; durable on return. A message whose recipients are all
     * final is removed. */
    public void complete(QueueId id, int index, RecipientState.Status status, String diagnostic) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Another attempt failed temporarily; durable on return. */
    public void defer(QueueId id, Instant nextAttempt, String diagnostic) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws IOException { throw new UnsupportedOperationException(); }

}
