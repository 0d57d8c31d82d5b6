package dev.tern.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A folder's index in memory: counters, UID → message, basename → UID, delivery id → UID (INBOX only) and the
 * expunge tombstones. Built by applying {@link IndexRecord}s, from the snapshot and the log at load and from
 * each commit after its fsync. Not thread-safe: {@link MaildirFolder} guards it.
 */
final class FolderIndex {
    /** Tombstones kept for QRESYNC; beyond this the oldest go and {@link #expungeHorizon} rises. */
    static final int MAX_TOMBSTONES = 100_000;

    /** A live message: what callers see, and its file name in cur/. */
    record Entry(MessageMeta meta, String file) {
        String basename() {
            int info = file.indexOf(':');
            return info < 0 ? file : file.substring(0, info);
        }
    }

    private record Tombstone(long uid, long modSeq) {}

    final long uidValidity;
    private long uidNext = 1;
    private long highestModSeq = 1;
    private long expungeHorizon = 0;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private final Map<String, Long> byBasename = new HashMap<>();
    private final Map<String, Long> byDeliveryId; // null unless this is INBOX
    private final ArrayDeque<Tombstone> tombstones = new ArrayDeque<>();
    private List<MessageMeta> listed; // the live messages in UID order, until the next change

    FolderIndex(long uidValidity, boolean tracksDeliveries) {
        this.uidValidity = uidValidity;
        this.byDeliveryId = tracksDeliveries ? new HashMap<>() : null;
    }

    long uidNext() {
        return uidNext;
    }

    long highestModSeq() {
        return highestModSeq;
    }

    long expungeHorizon() {
        return expungeHorizon;
    }

    int size() {
        return entries.size();
    }

    Optional<Entry> get(long uid) {
        return Optional.ofNullable(entries.get(uid));
    }

    boolean knows(String basename) {
        return byBasename.containsKey(basename);
    }

    Optional<Entry> byBasename(String basename) {
        Long uid = byBasename.get(basename);
        return uid == null ? Optional.empty() : get(uid);
    }

    boolean hasDelivery(String deliveryId) {
        return byDeliveryId != null && byDeliveryId.containsKey(deliveryId);
    }

    /** The live messages in ascending UID order (the same list until something changes). */
    List<MessageMeta> messages() {
        if (listed == null) {
            List<MessageMeta> metas = new ArrayList<>(entries.size());
            for (Entry entry : entries.values()) metas.add(entry.meta());
            listed = List.copyOf(metas);
        }
        return listed;
    }

    /** UIDs expunged after {@code modSeq}, ascending. */
    List<Long> expungedSince(long modSeq) {
        List<Long> uids = new ArrayList<>();
        var it = tombstones.descendingIterator(); // newest first: stop at the first old one
        while (it.hasNext()) {
            Tombstone t = it.next();
            if (t.modSeq() <= modSeq) break;
            uids.add(t.uid());
        }
        uids.sort(null);
        return uids;
    }

    /**
     * Moves the counters past a transaction that may or may not have reached the disk (its write or fsync failed),
     * so its UIDs and mod-sequence are never given out again.
     */
    void skipPast(long uid, long modSeq) {
        uidNext = Math.max(uidNext, uid + 1);
        highestModSeq = Math.max(highestModSeq, modSeq);
    }

    /** Applies a record; returns the entries an {@link IndexRecord.Expunge} removed (empty for other kinds). */
    List<Entry> apply(IndexRecord record) {
        listed = null;
        switch (record) {
            case IndexRecord.Append r -> {
                MessageMeta meta = new MessageMeta(r.uid(), r.modSeq(), r.flags(), r.internalDate(), r.size());
                Entry old = entries.put(r.uid(), new Entry(meta, r.file()));
                if (old != null) forget(old);
                String basename = r.basename();
                byBasename.put(basename, r.uid());
                if (byDeliveryId != null) MaildirNames.deliveryId(basename).ifPresent(id -> byDeliveryId.put(id, r.uid()));
                uidNext = Math.max(uidNext, r.uid() + 1);
                highestModSeq = Math.max(highestModSeq, r.modSeq());
            }
            case IndexRecord.Flags r -> {
                Entry entry = entries.get(r.uid());
                if (entry != null) {
                    MessageMeta m = entry.meta();
                    entries.put(r.uid(), new Entry(
                            new MessageMeta(m.uid(), r.modSeq(), r.flags(), m.internalDate(), m.size()), entry.file()));
                }
                highestModSeq = Math.max(highestModSeq, r.modSeq());
            }
            case IndexRecord.Expunge r -> {
                List<Entry> removed = new ArrayList<>(r.uids().size());
                for (long uid : r.uids()) {
                    Entry entry = entries.remove(uid);
                    if (entry != null) {
                        forget(entry);
                        removed.add(entry);
                    }
                    tombstones.addLast(new Tombstone(uid, r.modSeq()));
                }
                while (tombstones.size() > MAX_TOMBSTONES) {
                    expungeHorizon = Math.max(expungeHorizon, tombstones.removeFirst().modSeq());
                }
                highestModSeq = Math.max(highestModSeq, r.modSeq());
                return removed;
            }
            case IndexRecord.State r -> {
                uidNext = Math.max(uidNext, r.uidNext());
                highestModSeq = Math.max(highestModSeq, r.highestModSeq());
                expungeHorizon = Math.max(expungeHorizon, r.expungeHorizon());
            }
            case IndexRecord.Init r -> {
                // Carries only the UIDVALIDITY, which the loader read.
            }
            case IndexRecord.End r -> {
                // A snapshot's trailer: checked by the loader.
            }
        }
        return List.of();
    }

    private void forget(Entry entry) {
        String basename = entry.basename();
        byBasename.remove(basename);
        if (byDeliveryId != null) MaildirNames.deliveryId(basename).ifPresent(byDeliveryId::remove);
    }

    /** Everything this index holds, as a snapshot's records: State, Appends, tombstones, End. */
    List<IndexRecord> snapshotRecords() {
        List<IndexRecord> records = new ArrayList<>(entries.size() + 3);
        records.add(new IndexRecord.State(uidValidity, uidNext, highestModSeq, expungeHorizon));
        for (Entry e : entries.values()) {
            MessageMeta m = e.meta();
            records.add(new IndexRecord.Append(m.uid(), e.file(), m.internalDate(), m.size(), m.flags(), m.modSeq()));
        }
        for (Tombstone t : tombstones) records.add(new IndexRecord.Expunge(List.of(t.uid()), t.modSeq()));
        records.add(new IndexRecord.End(records.size()));
        return records;
    }
}
