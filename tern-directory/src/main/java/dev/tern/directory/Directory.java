package dev.tern.directory;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;

/**
 * Who an address is. STUB: contract only. Immutable and thread-safe; a new configuration makes a new Directory.
 */
public final class Directory {
    public Directory(DirectorySettings settings) { throw new UnsupportedOperationException("not yet"); }

    /** True when {@code domain} is one of ours. */
    public boolean isLocal(Domain domain) { throw new UnsupportedOperationException(); }

    /** Resolves an address: to local mailboxes (aliases and lists expanded), remote, or unknown. */
    public Resolution resolve(Mailbox address) { throw new UnsupportedOperationException(); }
}
