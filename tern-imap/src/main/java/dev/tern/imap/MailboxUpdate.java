package dev.tern.imap;

import dev.tern.store.FolderChange;

/**
 * A change to the folder a session has selected, tagged with the selection it belongs to, so a change of a
 * folder the session left (still in a queue) is dropped rather than applied to the next one.
 */
public record MailboxUpdate(long selection, FolderChange change) {
    public MailboxUpdate {
        if (change == null) throw new IllegalArgumentException("null change");
    }
}
