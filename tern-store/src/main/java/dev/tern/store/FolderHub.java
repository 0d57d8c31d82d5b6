package dev.tern.store;

import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchers of one folder. {@link MaildirFolder} publishes each change after it is durable, on the thread
 * leading the {@link GroupCommit} round that forced it, one round at a time, so watchers hear changes in log
 * order. Watchers must not block.
 */
final class FolderHub {
    private static final Logger log = LoggerFactory.getLogger(FolderHub.class);
    private final CopyOnWriteArrayList<FolderWatcher> watchers = new CopyOnWriteArrayList<>();

    /** Adds a watcher; true when it is the first. */
    boolean add(FolderWatcher watcher) {
        watchers.add(watcher);
        return watchers.size() == 1;
    }

    /** Removes a watcher; true when none is left. */
    boolean remove(FolderWatcher watcher) {
        watchers.remove(watcher);
        return watchers.isEmpty();
    }

    boolean isWatched() {
        return !watchers.isEmpty();
    }

    void publish(FolderChange change) {
        for (FolderWatcher watcher : watchers) {
            try {
                watcher.changed(change);
            } catch (RuntimeException e) {
                // A watcher's bug must not fail a change that is already durable, nor starve the other watchers.
                log.error("folder watcher failed on {}", change.getClass().getSimpleName(), e);
            }
        }
    }
}
