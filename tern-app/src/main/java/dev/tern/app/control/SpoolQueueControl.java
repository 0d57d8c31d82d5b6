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
 * <p>Hold, release, delete and bounce need durable state the spool does not keep yet (issue 7): they answer
 * {@link ControlResult.Unsupported} until it does.
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
    public ControlResult hold(QueueId id) {
        return notYet("hold");
    }

    @Override
    public ControlResult release(QueueId id) {
        return notYet("release");
    }

    @Override
    public ControlResult delete(QueueId id) {
        return notYet("delete");
    }

    @Override
    public ControlResult bounce(QueueId id) {
        return notYet("bounce");
    }

    // TODO(issue 7): durable hold, delete and bounce land with the spool's new per-message state.
    private static ControlResult notYet(String operation) {
        return new ControlResult.Unsupported(operation,
                operation + " is not supported yet: the spool does not keep that state durably");
    }
}
