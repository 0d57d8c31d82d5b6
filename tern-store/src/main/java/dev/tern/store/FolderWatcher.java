package dev.tern.store;

/**
 * Hears of a folder's changes. Called after the change is durable, on the thread that made it, in commit
 * order; it must not block or throw (queue the change and return).
 */
@FunctionalInterface
public interface FolderWatcher {
    void changed(FolderChange change);
}
