package dev.tern.readers;

import dev.tern.imap.MailboxUpdate;
import dev.tern.imap.UpdateQueue;
import dev.tern.store.FolderChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The bounded queue between the store's watcher threads and one session. Past {@code capacity} changes it drops
 * them and hands out one {@link FolderChange.Reset} instead, so the session re-reads the folder (IMAP-SHAPE §4).
 * Each offer runs {@code wakeup}, which an idling connection waits on. One lock; nothing blocks under it.
 */
final class SessionUpdates implements UpdateQueue {
    private final int capacity;
    private final Runnable wakeup;
    private final List<MailboxUpdate> queued = new ArrayList<>();
    /** Selections whose changes were dropped: each gets one Reset (the current one among them, whichever overflowed). */
    private final Set<Long> overflowed = new LinkedHashSet<>();

    SessionUpdates(int capacity, Runnable wakeup) {
        this.capacity = capacity;
        this.wakeup = wakeup;
    }

    @Override
    public void offer(MailboxUpdate update) {
        synchronized (this) {
            if (overflowed.contains(update.selection())) {
                // Already collapsed: the reset that will be handed out covers this change too.
            } else if (queued.size() >= capacity) {
                // Every selection that loses a change gets its Reset, not only the one whose change overflowed: a
                // late change of an old selection must not silently drop the current one's (found by review).
                for (MailboxUpdate dropped : queued) overflowed.add(dropped.selection());
                overflowed.add(update.selection());
                queued.clear();
            } else {
                queued.add(update);
            }
        }
        wakeup.run();
    }

    @Override
    public synchronized List<MailboxUpdate> drain() {
        List<MailboxUpdate> out = new ArrayList<>(queued);
        for (long selection : overflowed) out.add(new MailboxUpdate(selection, new FolderChange.Reset()));
        queued.clear();
        overflowed.clear();
        return out;
    }
}
