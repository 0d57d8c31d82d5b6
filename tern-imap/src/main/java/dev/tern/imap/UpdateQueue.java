package dev.tern.imap;

import java.util.List;

/**
 * Carries the selected folder's changes from the threads that make them (the store calls its watchers there)
 * to the session, which takes them between commands and during IDLE. The connection loop owns the
 * implementation: bounded, and when it must drop changes it hands out a {@code FolderChange.Reset} instead, so
 * the session re-reads the folder rather than going silent (IMAP-SHAPE §4).
 */
public interface UpdateQueue {
    /** Called on any thread, by the store's watcher; never blocks. */
    void offer(MailboxUpdate update);

    /** Everything offered since the last call, in order. Called on the session's thread. */
    List<MailboxUpdate> drain();
}
