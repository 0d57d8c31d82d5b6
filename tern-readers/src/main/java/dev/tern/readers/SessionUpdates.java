package dev.tern.readers;

import dev.tern.imap.MailboxUpdate;
import dev.tern.imap.UpdateQueue;
import dev.tern.store.FolderChange;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded queue between the store's watcher threads and one session. Past {@code capacity} changes it drops
 * them and hands out one {@link FolderChange.Reset} instead, so the session re-reads the folder (IMAP-SHAPE §4).
 * Each offer runs {@code wakeup}, which an idling connection waits on. One lock; nothing blocks under it.
 */
final class SessionUpdates implements UpdateQueue {
    private final int capacity;
    private final Runnable wakeup;
    private final List<MailboxUpdate> queued = new ArrayList<>();
    private long overflowedSelection = -1;

    SessionUpdates(int capacity, Runnable wakeup) {
        this.capacity = capacity;
        this.wakeup = wakeup;
    }

    @Override
    public void offer(MailboxUpdate update) {
        synchronized (this) {
            if (overflowedSelection == update.selection()) {
                // Already collapsed: the reset that will be handed out covers this change too.
            } else if (queued.size() >= capacity) {
                queued.clear();
                overflowedSelection = update.selection();
            } else {
                queued.add(update);
            }
        }
        wakeup.run();
    }

    @Override
    public synchronized List<MailboxUpdate> drain() {
        List<MailboxUpdate> out = new ArrayList<>(queued);
        if (overflowedSelection >= 0) out.add(new MailboxUpdate(overflowedSelection, new FolderChange.Reset()));
        queued.clear();
        overflowedSelection = -1;
        return out;
    }
}
