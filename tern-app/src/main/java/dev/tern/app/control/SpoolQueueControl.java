package dev.tern.app.control;

import dev.tern.delivery.QueueRunner;
import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * {@link QueueControl} over the running server's spool and queue runner. The listing reads the spool's
 * in-memory state ({@link Spool#read}, no disk access per message), so listing a large queue costs memory
 * copies and JSON only.
 *
 * <p>Hold and release set the spool's durable {@link SpooledMessage#HELD} flag (Postfix's hold queue); delete
 * fails every pending recipient without a DSN (as {@code postsuper -d}); bounce fails them with a DSN to the
 * sender (as {@code postsuper -r}'s cousin, Postfix 3.x's bounce of a queue file), through the queue runner.
 */
public final class SpoolQueueControl implements QueueControl {
    private final Spool spool;
    private final QueueRunner runner;

    public SpoolQueueControl(Spool spool, QueueRunner runner) {
        this.spool = spool;
        this.runner = runner;
    }

    @Override
    public void list(Sink sink) throws IOException {
        for (QueueId id : spool.pending()) {
            SpooledMessage message;
            try {
                message = spool.read(id);
            } catch (NoSuchElementException e) {
                continue; // delivered since pending() was taken: no longer queued, so not listed
            }
            sink.accept(QueueEntry.of(message));
        }
    }

    @Override
    public Optional<QueueEntry> show(QueueId id) throws IOException {
        try {
            return Optional.of(QueueEntry.of(spool.read(id)));
        } catch (NoSuchElementException e) {
            return Optional.empty();
        }
    }

    @Override
    public ControlResult flush(FlushTarget target) throws IOException {
        List<QueueId> ids = switch (target) {
            case FlushTarget.All a -> spool.pending();
            case FlushTarget.Message m -> show(m.id()).isPresent() ? List.of(m.id()) : List.of();
            case FlushTarget.ToDomain d -> toDomain(d);
        };
        if (ids.isEmpty() && target instanceof FlushTarget.Message m) return new ControlResult.NotFound(m.id());
        runner.flush(ids);
        return new ControlResult.Done(ids.size());
    }

    private List<QueueId> toDomain(FlushTarget.ToDomain target) throws IOException {
        List<QueueId> ids = new ArrayList<>();
        for (QueueId id : spool.pending()) {
            Optional<QueueEntry> entry = show(id);
            if (entry.isEmpty()) continue;
            for (RecipientState state : entry.get().recipients()) {
                if (state.status() == RecipientState.Status.PENDING
                        && state.recipient().mailbox().domain().equals(target.domain())) {
                    ids.add(id);
                    break;
                }
            }
        }
        return ids;
    }

    @Override
    public ControlResult hold(QueueId id) throws IOException {
        ControlResult result = flags(id, true);
        if (result instanceof ControlResult.Done) runner.held(id);
        return result;
    }

    @Override
    public ControlResult release(QueueId id) throws IOException {
        ControlResult result = flags(id, false);
        if (result instanceof ControlResult.Done) runner.released(id);
        return result;
    }

    @Override
    public ControlResult delete(QueueId id) throws IOException {
        Optional<SpooledMessage> message = read(id);
        if (message.isEmpty()) return new ControlResult.NotFound(id);
        List<Spool.Change> changes = new ArrayList<>();
        List<RecipientState> recipients = message.get().recipients();
        for (int i = 0; i < recipients.size(); i++) {
            if (recipients.get(i).status() == RecipientState.Status.PENDING) {
                changes.add(new Spool.Change.Completed(i, RecipientState.Status.FAILED, "5.0.0 deleted by the operator"));
            }
        }
        try {
            spool.update(id, changes);
        } catch (NoSuchElementException e) {
            return new ControlResult.NotFound(id);
        }
        runner.deleted(id);
        return new ControlResult.Done(1);
    }

    @Override
    public ControlResult bounce(QueueId id) throws IOException {
        try {
            return runner.bounce(id) ? new ControlResult.Done(1) : new ControlResult.NotFound(id);
        } catch (IllegalStateException e) {
            return new ControlResult.Unsupported("bounce", e.getMessage());
        }
    }

    private ControlResult flags(QueueId id, boolean held) throws IOException {
        Optional<SpooledMessage> message = read(id);
        if (message.isEmpty()) return new ControlResult.NotFound(id);
        try {
            spool.update(id, List.of(held ? Spool.Change.Flagged.setting(SpooledMessage.HELD)
                    : Spool.Change.Flagged.clearing(SpooledMessage.HELD)));
        } catch (NoSuchElementException e) {
            return new ControlResult.NotFound(id);
        }
        return new ControlResult.Done(1);
    }

    private Optional<SpooledMessage> read(QueueId id) throws IOException {
        try {
            return Optional.of(spool.read(id));
        } catch (NoSuchElementException e) {
            return Optional.empty();
        }
    }
}
