package dev.tern.store;

import java.util.List;

/**
 * A consistent picture of a folder at one moment: what SELECT shows.
 *
 * @param messages the live messages in ascending UID order
 */
public record FolderSnapshot(long uidValidity, long uidNext, long highestModSeq, List<MessageMeta> messages) {
    public FolderSnapshot {
        if (uidValidity < 1 || uidNext < 1 || highestModSeq < 1 || messages == null) {
            throw new IllegalArgumentException("incomplete folder snapshot");
        }
        messages = List.copyOf(messages);
    }
}
