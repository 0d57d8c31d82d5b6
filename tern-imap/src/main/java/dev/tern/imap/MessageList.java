package dev.tern.imap;

import dev.tern.store.MessageMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@link MailboxView}'s messages in UID order, copy-on-write over the snapshot's list. Sessions that selected the
 * same folder state share the store's one immutable list (with 10,000 messages a private copy is 40 KB per
 * session, more than the whole rest of an idle session). Messages that arrive later go to a short private tail;
 * the first flag change or removal inside the shared part makes a private copy, once. Not thread-safe.
 */
final class MessageList {
    private List<MessageMeta> base;
    private boolean owned; // base is this list's own ArrayList (the tail is then folded into it and stays empty)
    private List<MessageMeta> tail = List.of();

    MessageList(List<MessageMeta> shared) {
        this.base = shared;
    }

    int size() {
        return base.size() + tail.size();
    }

    boolean isEmpty() {
        return size() == 0;
    }

    MessageMeta get(int index) {
        return index < base.size() ? base.get(index) : tail.get(index - base.size());
    }

    MessageMeta getLast() {
        return get(size() - 1);
    }

    void set(int index, MessageMeta message) {
        if (get(index).equals(message)) return; // e.g. the echo of a STORE that changed nothing: no copy for it
        if (index >= base.size()) {
            tail.set(index - base.size(), message);
            return;
        }
        own();
        base.set(index, message);
    }

    void add(MessageMeta message) {
        if (owned) {
            base.add(message);
            return;
        }
        if (tail.isEmpty()) tail = new ArrayList<>(4);
        tail.add(message);
    }

    /** Removes the messages with these UIDs; only a removal from the shared part makes a copy. */
    void removeUids(Set<Long> uids) {
        boolean inBase = false;
        for (int i = 0; i < base.size() && !inBase; i++) inBase = uids.contains(base.get(i).uid());
        if (!inBase) {
            if (!tail.isEmpty()) tail.removeIf(m -> uids.contains(m.uid()));
            return;
        }
        List<MessageMeta> kept = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            MessageMeta m = get(i);
            if (!uids.contains(m.uid())) kept.add(m);
        }
        base = kept;
        owned = true;
        tail = List.of();
    }

    /**
     * Shares {@code shared} again when it holds exactly these messages (after a resync to a new snapshot), so a
     * session that once made a copy gives it up.
     */
    void rebase(List<MessageMeta> shared) {
        if (shared.size() != size()) return;
        for (int i = 0; i < shared.size(); i++) {
            if (!shared.get(i).equals(get(i))) return;
        }
        base = shared;
        owned = false;
        tail = List.of();
    }

    /** An unmodifiable list of the messages: the shared list itself while nothing changed. */
    List<MessageMeta> toList() {
        if (!owned && tail.isEmpty()) return List.copyOf(base); // the snapshot's list is immutable: no copy
        List<MessageMeta> all = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) all.add(get(i));
        return List.copyOf(all);
    }

    /** Whether the shared part is still {@code list} itself (no private copy made). */
    boolean shares(List<MessageMeta> list) {
        return !owned && base == list;
    }

    private void own() {
        if (owned) return;
        List<MessageMeta> copy = new ArrayList<>(size() + 4);
        copy.addAll(base);
        copy.addAll(tail);
        base = copy;
        owned = true;
        tail = List.of();
    }
}
