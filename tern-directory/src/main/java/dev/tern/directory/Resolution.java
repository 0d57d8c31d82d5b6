package dev.tern.directory;

import dev.tern.mail.Mailbox;
import java.util.List;

/**
 * What an address turned out to be. A {@link Local} always reaches someone: at least one local mailbox or one
 * remote address (an alias or list that expands to nobody is {@link Unknown}).
 */
public sealed interface Resolution {
    /** Delivered here, into these canonical mailboxes (a user: one; an alias or list: its members that are local). */
    record Local(List<Mailbox> mailboxes, List<Mailbox> remote, Kind kind) implements Resolution {
        public Local {
            if (kind == null) throw new IllegalArgumentException("no kind");
            mailboxes = List.copyOf(mailboxes);
            remote = List.copyOf(remote);
        }
    }

    /** The domain is not ours. */
    record Remote() implements Resolution {}

    /** The domain is ours, but no such user, alias or list. */
    record Unknown() implements Resolution {}

    enum Kind { USER, ALIAS, LIST }
}
