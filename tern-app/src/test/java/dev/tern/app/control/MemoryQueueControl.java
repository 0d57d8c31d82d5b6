package dev.tern.app.control;

import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** An honest in-memory queue behind the control channel: entries in order, holds and deletes applied. */
final class MemoryQueueControl implements QueueControl {
    private final Map<QueueId, QueueEntry> entries = new LinkedHashMap<>();
    final List<FlushTarget> flushes = new CopyOnWriteArrayList<>();

    synchronized MemoryQueueControl add(QueueEntry entry) {
        entries.put(entry.id(), entry);
        return this;
    }

    @Override
    public void list(Sink sink) throws IOException {
        List<QueueEntry> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(entries.values());
        }
        for (QueueEntry entry : snapshot) sink.accept(entry);
    }

    @Override
    public synchronized Optional<QueueEntry> show(QueueId id) {
        return Optional.ofNullable(entries.get(id));
    }

    @Override
    public synchronized ControlResult flush(FlushTarget target) {
        flushes.add(target);
        return switch (target) {
            case FlushTarget.All a -> new ControlResult.Done(entries.size());
            case FlushTarget.Message m -> entries.containsKey(m.id()) ? new ControlResult.Done(1)
                    : new ControlResult.NotFound(m.id());
            case FlushTarget.ToDomain d -> new ControlResult.Done((int) entries.values().stream()
                    .filter(e -> e.recipients().stream().anyMatch(r -> r.status() == RecipientState.Status.PENDING
                            && r.recipient().mailbox().domain().equals(d.domain())))
                    .count());
        };
    }

    @Override
    public synchronized ControlResult hold(QueueId id) {
        QueueEntry e = entries.get(id);
        if (e == null) return new ControlResult.NotFound(id);
        entries.put(id, new QueueEntry(e.id(), e.envelope(), e.recipients(), e.accepted(), e.size(), e.attempts(),
                e.nextAttempt(), true));
        return new ControlResult.Done(1);
    }

    @Override
    public synchronized ControlResult release(QueueId id) {
        QueueEntry e = entries.get(id);
        if (e == null) return new ControlResult.NotFound(id);
        entries.put(id, new QueueEntry(e.id(), e.envelope(), e.recipients(), e.accepted(), e.size(), e.attempts(),
                e.nextAttempt(), false));
        return new ControlResult.Done(1);
    }

    @Override
    public synchronized ControlResult delete(QueueId id) {
        return entries.remove(id) == null ? new ControlResult.NotFound(id) : new ControlResult.Done(1);
    }

    @Override
    public ControlResult bounce(QueueId id) {
        return new ControlResult.Unsupported("bounce", "bounce is not supported by this fake");
    }
}
