package dev.tern.imap;

import dev.tern.store.AppendResult;
import dev.tern.store.CopyResult;
import dev.tern.store.FlagOperation;
import dev.tern.store.Folder;
import dev.tern.store.FolderChange;
import dev.tern.store.FolderSnapshot;
import dev.tern.store.FolderWatcher;
import dev.tern.store.MessageMeta;
import dev.tern.store.MessageStructure;
import dev.tern.store.StoreResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An honest in-memory {@link Folder}: UIDs and mod-sequences only grow, watchers hear every change in order. */
final class MemoryFolder implements Folder {
    /** Internal dates of appends without one: fixed, so transcripts are stable. */
    static final Instant DEFAULT_DATE = Instant.parse("2024-03-01T10:00:00Z");

    private record Stored(MessageMeta meta, byte[] content) {}

    private volatile long horizon = 1;

    private final String name;
    private final long uidValidity;
    private final TreeMap<Long, Stored> messages = new TreeMap<>();
    private final TreeMap<Long, Long> tombstones = new TreeMap<>();
    private final List<FolderWatcher> watchers = new CopyOnWriteArrayList<>();
    private long uidNext = 1;
    private long modSeq = 1;

    MemoryFolder(String name, long uidValidity) {
        this.name = name;
        this.uidValidity = uidValidity;
    }

    synchronized MemoryFolder renamed(String to) {
        MemoryFolder f = new MemoryFolder(to, uidValidity);
        f.messages.putAll(messages);
        f.uidNext = uidNext;
        f.modSeq = modSeq;
        return f;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long uidValidity() {
        return uidValidity;
    }

    @Override
    public synchronized FolderSnapshot snapshot() {
        return new FolderSnapshot(uidValidity, uidNext, modSeq, messages.values().stream().map(Stored::meta).toList());
    }

    @Override
    public synchronized Optional<InputStream> content(long uid) {
        Stored s = messages.get(uid);
        return s == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(s.content()));
    }

    @Override
    public Optional<MessageStructure> structure(long uid) throws IOException {
        Optional<InputStream> content = content(uid);
        if (content.isEmpty()) return Optional.empty();
        try (InputStream in = content.get()) {
            return Optional.of(dev.tern.store.StructureParser.parse(in));
        }
    }

    /** A delivery, as MailStore.deliver would do it. */
    AppendResult deliver(String content) {
        return append(content.replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), Set.of(), DEFAULT_DATE);
    }

    @Override
    public AppendResult append(InputStream content, Set<String> flags, Instant internalDate) throws IOException {
        return append(content.readAllBytes(), flags, internalDate == null ? DEFAULT_DATE : internalDate);
    }

    private AppendResult append(byte[] content, Set<String> flags, Instant date) {
        MessageMeta meta;
        synchronized (this) {
            meta = new MessageMeta(uidNext++, ++modSeq, flags, date, content.length);
            messages.put(meta.uid(), new Stored(meta, content));
        }
        tell(new FolderChange.Added(List.of(meta)));
        return new AppendResult(uidValidity, meta.uid());
    }

    @Override
    public StoreResult store(Collection<Long> uids, FlagOperation operation, Set<String> flags, OptionalLong unchangedSince) {
        List<MessageMeta> updated = new ArrayList<>();
        List<MessageMeta> changed = new ArrayList<>();
        List<Long> modified = new ArrayList<>();
        synchronized (this) {
            for (long uid : uids) {
                Stored s = messages.get(uid);
                if (s == null) continue;
                if (unchangedSince.isPresent() && s.meta().modSeq() > unchangedSince.getAsLong()) {
                    modified.add(uid);
                    continue;
                }
                Set<String> now = new HashSet<>(s.meta().flags());
                switch (operation) {
                    case ADD -> now.addAll(flags);
                    case REMOVE -> now.removeAll(flags);
                    case REPLACE -> {
                        now.clear();
                        now.addAll(flags);
                    }
                }
                if (now.equals(s.meta().flags())) {
                    updated.add(s.meta());
                    continue;
                }
                MessageMeta meta = new MessageMeta(uid, ++modSeq, now, s.meta().internalDate(), s.meta().size());
                messages.put(uid, new Stored(meta, s.content()));
                updated.add(meta);
                changed.add(meta);
            }
        }
        if (!changed.isEmpty()) tell(new FolderChange.FlagsChanged(changed));
        return new StoreResult(updated, modified);
    }

    @Override
    public CopyResult copy(Collection<Long> uids, Folder target) {
        MemoryFolder to = (MemoryFolder) target;
        List<Long> source = new ArrayList<>();
        List<Long> copies = new ArrayList<>();
        for (long uid : uids) {
            Stored s;
            synchronized (this) {
                s = messages.get(uid);
            }
            if (s == null) continue;
            source.add(uid);
            copies.add(to.append(s.content(), s.meta().flags(), s.meta().internalDate()).uid());
        }
        return new CopyResult(to.uidValidity, source, copies);
    }

    @Override
    public CopyResult move(Collection<Long> uids, Folder target) {
        CopyResult result = copy(uids, target);
        expunge(result.sourceUids());
        return result;
    }

    @Override
    public List<Long> expungeDeleted(Collection<Long> uids) {
        List<Long> deleted = new ArrayList<>();
        synchronized (this) {
            for (long uid : uids) {
                var m = messages.get(uid);
                if (m != null && m.meta().has("\\Deleted")) deleted.add(uid);
            }
        }
        return expunge(deleted);
    }

    @Override
    public List<Long> expunge(Collection<Long> uids) {
        List<Long> removed = new ArrayList<>();
        long at;
        synchronized (this) {
            at = ++modSeq;
            for (long uid : uids) {
                if (messages.remove(uid) != null) {
                    removed.add(uid);
                    tombstones.put(uid, at);
                }
            }
        }
        removed.sort(null);
        if (!removed.isEmpty()) tell(new FolderChange.Expunged(removed, at));
        return removed;
    }

    @Override
    public synchronized List<Long> expungedSince(long since) {
        return tombstones.entrySet().stream().filter(e -> e.getValue() > since).map(Map.Entry::getKey).toList();
    }

    @Override
    public long expungeHorizon() {
        return horizon;
    }

    /** As a store that pruned its older tombstones: expungedSince is complete only from {@code modSeq} on. */
    synchronized void forgetExpungesBefore(long modSeq) {
        horizon = modSeq;
        tombstones.values().removeIf(at -> at < modSeq);
    }

    /** What a store says when it must drop changes. */
    void reset() {
        tell(new FolderChange.Reset());
    }

    @Override
    public Subscription watch(FolderWatcher watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    private void tell(FolderChange change) {
        for (FolderWatcher w : watchers) w.changed(change);
    }
}
