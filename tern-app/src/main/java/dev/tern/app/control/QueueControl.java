package dev.tern.app.control;

import dev.tern.mail.QueueId;
import java.io.IOException;
import java.util.Optional;

/**
 * What the control channel may do to the running server's queue: the server side of {@code tern queue}.
 *
 * <p>Contract: every method is thread-safe and may be called from several connections at once, while the
 * queue runner delivers. None blocks on a delivery. A changing operation is durable when it returns
 * {@link ControlResult.Done} (flush changes nothing durable: it only moves an attempt forward). Failures of
 * the spool's storage are IOExceptions; a missing message is a {@link ControlResult.NotFound} or an empty
 * result, not an exception.
 */
public interface QueueControl {
    /** Receives the listing one entry at a time, so neither side holds the whole queue as text. */
    @FunctionalInterface
    interface Sink {
        void accept(QueueEntry entry) throws IOException;
    }

    /**
     * Calls {@code sink} once per queued message, oldest first, on the calling thread. A message that finishes
     * while the listing runs may or may not appear; none appears twice. What {@code sink} throws ends the
     * listing and propagates.
     */
    void list(Sink sink) throws IOException;

    /** The message {@code id}, or empty when it is not queued. */
    Optional<QueueEntry> show(QueueId id) throws IOException;

    /** Makes the next attempt of the targeted messages due now (Postfix's {@code postqueue -f / -i / -s}). */
    ControlResult flush(FlushTarget target) throws IOException;

    /** Puts a message on hold: it stays queued but is not delivered until released (Postfix: {@code postsuper -h}). */
    ControlResult hold(QueueId id) throws IOException;

    /** Releases a held message; its next attempt is due now (Postfix: {@code postsuper -H}). */
    ControlResult release(QueueId id) throws IOException;

    /** Removes a message without telling anyone, no DSN (Postfix: {@code postsuper -d}). */
    ControlResult delete(QueueId id) throws IOException;

    /** Fails a message's pending recipients now and sends the sender one DSN (Postfix: {@code postsuper -e}, forced expiry). */
    ControlResult bounce(QueueId id) throws IOException;
}
