package dev.tern.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Parsed MIME structures of one folder's messages, least recently used first out. Bounded, in memory only: a
 * miss costs one parse of the message file.
 */
final class StructureCache {
    static final int CAPACITY = 2048;
    private final Map<Long, MessageStructure> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, MessageStructure> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized Optional<MessageStructure> get(long uid) {
        return Optional.ofNullable(entries.get(uid));
    }

    synchronized void put(long uid, MessageStructure structure) {
        entries.put(uid, structure);
    }

    synchronized void remove(long uid) {
        entries.remove(uid);
    }
}
