package dev.tern.store;

import java.util.List;

/** A committed change to a folder, as its watchers hear of it. */
public sealed interface FolderChange {
    /** New messages (delivery, APPEND, COPY, MOVE, a file another program put into new/). */
    record Added(List<MessageMeta> messages) implements FolderChange {
        public Added {
            messages = List.copyOf(messages);
        }
    }

    /** Messages whose flags changed, as they are now. */
    record FlagsChanged(List<MessageMeta> messages) implements FolderChange {
        public FlagsChanged {
            messages = List.copyOf(messages);
        }
    }

    /** Messages removed, at mod-sequence {@code modSeq}. */
    record Expunged(List<Long> uids, long modSeq) implements FolderChange {
        public Expunged {
            uids = List.copyOf(uids);
        }
    }

    /** Too much happened to tell it change by change (or the index was rebuilt): take a new snapshot. */
    record Reset() implements FolderChange {}
}
