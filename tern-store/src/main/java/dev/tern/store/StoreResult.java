package dev.tern.store;

import java.util.List;

/**
 * What a flag change did (RFC 7162 §3.1.3).
 *
 * @param updated  the messages as they are now, each with its new mod-sequence (also those a no-op left alone)
 * @param modified UIDs not changed because their mod-sequence was above UNCHANGEDSINCE
 */
public record StoreResult(List<MessageMeta> updated, List<Long> modified) {
    public StoreResult {
        updated = List.copyOf(updated);
        modified = List.copyOf(modified);
    }
}
