package dev.tern.imap;

import dev.tern.store.Folder;
import dev.tern.store.Folders;

/** RFC 9051 §3: the states of a session. */
public sealed interface SessionState {
    record NotAuthenticated() implements SessionState {}

    record Authenticated(String user, Folders folders) implements SessionState {}

    /**
     * A folder is selected: {@code view} is this session's picture of it, {@code selection} tells its changes
     * from those of an earlier selection still queued, {@code subscription} is the store watcher to close,
     * {@code keywords} the flags told in FLAGS so far.
     */
    record Selected(String user, Folders folders, Folder folder, MailboxName name, MailboxView view, boolean readOnly,
            long selection, Folder.Subscription subscription, MailboxKeywords keywords) implements SessionState {}

    record Logout() implements SessionState {}
}
