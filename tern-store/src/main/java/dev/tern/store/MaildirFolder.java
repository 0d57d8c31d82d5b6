package dev.tern.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Maildir++ folder and its index ({@code docs/store.md}). Every change runs under the folder's commit lock:
 * it writes its transaction to the log and forces it, only then applies it to the in-memory index (under the
 * state lock, which readers take) and tells the watchers, so no UID or mod-sequence is seen before it is durable.
 * Message files are written before their Append is logged and unlinked after their Expunge is.
 */
final class MaildirFolder implements Folder {
    private static final Logger log = LoggerFactory.getLogger(MaildirFolder.class);

    private final String name;
    private final MessageFiles files;
    private final MaildirFolders account;
    private final boolean inbox;
    private final ReentrantLock commit = new ReentrantLock();
    private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();
    private final FolderHub hub = new FolderHub();
    private StructureCache structures; // made with the index (it needs its UIDVALIDITY); read under state
    private final DirectorySync curSync;
    /** Delivery ids of INBOX files in new/ not yet indexed: filled by one listing, then by each delivery. */
    private final Set<String> newDeliveries = ConcurrentHashMap.newKeySet();
    private boolean newListed; // guarded by commit
    private boolean reconciled; // guarded by commit
    private boolean freshIndex; // guarded by commit: made in this process (new folder, or none on disk yet)
    private IndexFiles indexFiles; // guarded by commit
    private FolderIndex index; // written under commit + state write lock; read under either
    private volatile boolean gone;

    MaildirFolder(String name, Path directory, MaildirFolders account) {
        this.name = name;
        this.files = new MessageFiles(directory);
        this.account = account;
        this.inbox = FolderNames.isInbox(name);
        this.curSync = new DirectorySync(files.cur);
    }

    @Override
    public String name() {
        return name;
    }

    Path directory() {
        return files.folder;
    }

    @Override
    public long uidValidity() {
        return read(() -> index.uidValidity);
    }

    /** Loads the index (once) and picks up files in cur/ it does not know (once per process). */
    void load() throws IOException {
        commit.lock();
        try {
            loadIndex();
            if (!reconciled) {
                List<String> unknown = new ArrayList<>();
                for (String file : Directories.names(files.cur)) {
                    if (!index.knows(basename(file))) unknown.add(file);
                }
                adopt(unknown, files.cur);
                reconciled = true;
            }
        } finally {
            commit.unlock();
        }
    }

    /** Reads the index from disk, or starts a new one (a new folder, or a lost index rebuilt from cur/). */
    private void loadIndex() throws IOException {
        requirePresent();
        if (index != null) return;
        Optional<IndexFiles.Loaded> loaded = IndexFiles.load(files.folder, inbox);
        FolderIndex fresh;
        if (loaded.isPresent()) {
            indexFiles = loaded.get().files();
            fresh = loaded.get().index();
            // An expunge whose unlink a crash interrupted: the record is durable, so the file goes now.
            for (FolderIndex.Entry entry : loaded.get().expunged()) files.unlink(entry);
        } else {
            long uidValidity = account.nextUidValidity();
            indexFiles = IndexFiles.create(files.folder, uidValidity);
            fresh = new FolderIndex(uidValidity, inbox);
            reconciled = false;
            freshIndex = true;
        }
        StructureCache cache = new StructureCache(files.folder, fresh.uidValidity, this::isLive);
        writeState(() -> {
            index = fresh;
            structures = cache;
        });
    }

    /** Whether a UID is in the folder now (the structure cache asks when it reads its file). */
    private boolean isLive(long uid) {
        return read(() -> index.get(uid).isPresent());
    }

    /**
     * Gives UIDs to files in new/ (delivered, or put there by another program): one transaction, one fsync, then
     * the renames into cur/. Cheap when new/ is empty: one directory read.
     */
    void scanNew() throws IOException {
        List<String> found = Directories.names(files.incoming);
        if (found.isEmpty()) return;
        commit.lock();
        try {
            loadIndex();
            adopt(found, files.incoming);
        } finally {
            commit.unlock();
        }
    }

    /** Records files of {@code from} (new/ or cur/) in name order; files of new/ then move to cur/. */
    private void adopt(List<String> found, Path from) throws IOException {
        List<String> sorted = new ArrayList<>(found);
        sorted.sort(null);
        long uid = index.uidNext();
        long modSeq = index.highestModSeq() + 1;
        List<IndexRecord> appends = new ArrayList<>();
        List<String[]> renames = new ArrayList<>(); // {name in new/, name in cur/}
        for (String file : sorted) {
            String basename = basename(file);
            Optional<FolderIndex.Entry> known = index.byBasename(basename);
            if (known.isPresent()) {
                if (from.equals(files.incoming)) renames.add(new String[] {file, known.get().file()});
                continue;
            }
            Path path = from.resolve(file);
            long size;
            Instant date;
            try {
                size = MessageFiles.crlfSize(path);
                date = Files.getLastModifiedTime(path).toInstant();
            } catch (NoSuchFileException e) {
                continue; // taken by another reader meanwhile
            }
            Set<String> flags = MessageFlags.fromFileName(file);
            String curName = from.equals(files.incoming) ? basename + ":2," + MessageFlags.letters(flags) : file;
            appends.add(new IndexRecord.Append(uid++, curName, date, size, flags, modSeq));
            if (from.equals(files.incoming)) renames.add(new String[] {file, curName});
        }
        if (!appends.isEmpty()) {
            commitLocked(appends, uid - 1, modSeq);
            hub.publish(new FolderChange.Added(metas(appends)));
        }
        for (String[] rename : renames) {
            try {
                // Not forced: lookups try new/ too, and compaction forces cur/ and new/ first.
                Files.move(files.incoming.resolve(rename[0]), files.cur.resolve(rename[1]), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // Moved by another reader: locate() finds it by its basename.
            }
            MaildirNames.deliveryId(rename[0]).ifPresent(newDeliveries::remove);
        }
    }

    /** Writes and forces one transaction, then applies it; returns what an Expunge removed. */
    private List<FolderIndex.Entry> commitLocked(List<IndexRecord> transaction, long lastUid, long modSeq)
            throws IOException {
        try {
            indexFiles.append(transaction);
        } catch (IOException | RuntimeException e) {
            writeState(() -> index.skipPast(lastUid, modSeq)); // it may be on disk: never hand its numbers out again
            throw e;
        }
        List<FolderIndex.Entry> removed = new ArrayList<>();
        writeState(() -> transaction.forEach(r -> removed.addAll(index.apply(r))));
        if (indexFiles.wantsCompaction(index.size())) {
            // Unlinks and new/ → cur/ renames were not forced; a snapshot must not outlive them.
            DirectorySync.force(files.cur);
            DirectorySync.force(files.incoming);
            indexFiles.compact(index);
        }
        return removed;
    }

    @Override
    public FolderSnapshot snapshot() throws IOException {
        requirePresent();
        scanNew();
        return read(() -> new FolderSnapshot(index.uidValidity, index.uidNext(), index.highestModSeq(), index.messages()));
    }

    @Override
    public Optional<InputStream> content(long uid) throws IOException {
        requirePresent();
        Optional<FolderIndex.Entry> entry = read(() -> index.get(uid));
        if (entry.isEmpty()) return Optional.empty();
        Optional<Path> path = files.locate(entry.get());
        if (path.isEmpty()) return Optional.empty(); // removed by another program, or expunged just now
        try {
            return Optional.of(MessageFiles.openCrlf(path.get()));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // expunged between locate and open
        }
    }

    @Override
    public Optional<MessageStructure> structure(long uid) throws IOException {
        requirePresent();
        StructureCache structures = read(() -> this.structures);
        Optional<MessageStructure> cached = structures.get(uid);
        if (cached.isPresent()) return cached;
        Optional<InputStream> content = content(uid);
        if (content.isEmpty()) return Optional.empty();
        MessageStructure parsed;
        try (InputStream in = content.get()) {
            parsed = StructureParser.parse(in);
        }
        structures.put(uid, parsed);
        return Optional.of(parsed);
    }

    @Override
    public AppendResult append(InputStream content, Set<String> flags, Instant internalDate) throws IOException {
        requirePresent();
        load();
        Set<String> normal = MessageFlags.normalize(flags);
        Instant date = internalDate == null ? account.clock().instant() : internalDate;
        String unique = account.uniqueName();
        MessageFiles.Written written = files.write(content, unique, unique + ":2," + MessageFlags.letters(normal), date);
        List<Long> uids = record(List.of(new Copied(written.file(), date, written.size(), normal)));
        return new AppendResult(uidValidity(), uids.getFirst());
    }

    /** A file already in this folder's cur/, to be given a UID. */
    record Copied(String file, Instant internalDate, long size, Set<String> flags) {}

    /** Forces cur/, then logs Appends for files written there; on failure unlinks them. Returns their UIDs. */
    List<Long> record(List<Copied> copied) throws IOException {
        List<Long> uids = new ArrayList<>(copied.size());
        try {
            curSync.sync();
            commit.lock();
            try {
                loadIndex();
                long uid = index.uidNext();
                long modSeq = index.highestModSeq() + 1;
                List<IndexRecord> appends = new ArrayList<>(copied.size());
                for (Copied c : copied) {
                    uids.add(uid);
                    appends.add(new IndexRecord.Append(uid++, c.file(), c.internalDate(), c.size(), c.flags(), modSeq));
                }
                commitLocked(appends, uid - 1, modSeq);
                hub.publish(new FolderChange.Added(metas(appends)));
            } finally {
                commit.unlock();
            }
        } catch (IOException | RuntimeException e) {
            for (Copied c : copied) MessageFiles.ignoreMissing(files.cur.resolve(c.file()));
            throw e;
        }
        return uids;
    }

    @Override
    public StoreResult store(Collection<Long> uids, FlagOperation operation, Set<String> flags,
                             OptionalLong unchangedSince) throws IOException {
        requirePresent();
        Set<String> given = MessageFlags.normalize(flags);
        commit.lock();
        try {
            loadIndex();
            long modSeq = index.highestModSeq() + 1;
            List<MessageMeta> updated = new ArrayList<>();
            List<Long> modified = new ArrayList<>();
            List<IndexRecord> changes = new ArrayList<>();
            for (long uid : new TreeSet<>(uids)) {
                Optional<FolderIndex.Entry> entry = index.get(uid);
                if (entry.isEmpty()) continue;
                MessageMeta meta = entry.get().meta();
                // RFC 7162 §3.1.3: a message changed since UNCHANGEDSINCE is left alone and reported.
                if (unchangedSince.isPresent() && meta.modSeq() > unchangedSince.getAsLong()) {
                    modified.add(uid);
                    continue;
                }
                Set<String> next = switch (operation) {
                    case REPLACE -> given;
                    case ADD -> union(meta.flags(), given);
                    case REMOVE -> minus(meta.flags(), given);
                };
                if (next.equals(meta.flags())) {
                    updated.add(meta);
                } else {
                    changes.add(new IndexRecord.Flags(uid, next, modSeq));
                    updated.add(new MessageMeta(uid, modSeq, next, meta.internalDate(), meta.size()));
                }
            }
            if (!changes.isEmpty()) {
                commitLocked(changes, 0, modSeq);
                hub.publish(new FolderChange.FlagsChanged(
                        updated.stream().filter(m -> m.modSeq() == modSeq).toList()));
            }
            return new StoreResult(updated, modified);
        } finally {
            commit.unlock();
        }
    }

    @Override
    public CopyResult copy(Collection<Long> uids, Folder target) throws IOException {
        requirePresent();
        load();
        List<FolderIndex.Entry> sources = read(() -> {
            List<FolderIndex.Entry> found = new ArrayList<>();
            for (long uid : new TreeSet<>(uids)) index.get(uid).ifPresent(found::add);
            return found;
        });
        if (!(target instanceof MaildirFolder into)) return copyByContent(sources, target);
        into.load();
        List<Long> sourceUids = new ArrayList<>();
        List<Copied> copied = new ArrayList<>();
        for (FolderIndex.Entry source : sources) {
            Optional<Path> file = files.locate(source);
            if (file.isEmpty()) continue; // expunged meanwhile: left out (the Folder contract)
            MessageMeta meta = source.meta();
            String name = account.uniqueName() + ":2," + MessageFlags.letters(meta.flags());
            Path link = into.files.cur.resolve(name);
            try {
                Files.createLink(link, file.get()); // a hard link, as Dovecot copies: same inode, no bytes copied
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(file.get(), link); // another file system: copy the bytes (forced below with cur/)
                try (var channel = java.nio.channels.FileChannel.open(link, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            sourceUids.add(meta.uid());
            copied.add(new Copied(name, meta.internalDate(), meta.size(), meta.flags()));
        }
        if (copied.isEmpty()) return new CopyResult(into.uidValidity(), List.of(), List.of());
        return new CopyResult(into.uidValidity(), sourceUids, into.record(copied));
    }

    private CopyResult copyByContent(List<FolderIndex.Entry> sources, Folder target) throws IOException {
        List<Long> sourceUids = new ArrayList<>();
        List<Long> targetUids = new ArrayList<>();
        for (FolderIndex.Entry source : sources) {
            Optional<InputStream> content = content(source.meta().uid());
            if (content.isEmpty()) continue;
            try (InputStream in = content.get()) {
                targetUids.add(target.append(in, source.meta().flags(), source.meta().internalDate()).uid());
            }
            sourceUids.add(source.meta().uid());
        }
        return new CopyResult(target.uidValidity(), sourceUids, targetUids);
    }

    @Override
    public CopyResult move(Collection<Long> uids, Folder target) throws IOException {
        CopyResult copied = copy(uids, target); // durable in the target before anything leaves here (RFC 6851)
        expunge(copied.sourceUids());
        return copied;
    }

    @Override
    public List<Long> expunge(Collection<Long> uids) throws IOException {
        requirePresent();
        commit.lock();
        try {
            loadIndex();
            List<Long> present = new ArrayList<>();
            for (long uid : new TreeSet<>(uids)) if (index.get(uid).isPresent()) present.add(uid);
            if (present.isEmpty()) return List.of();
            long modSeq = index.highestModSeq() + 1;
            List<FolderIndex.Entry> removed = commitLocked(List.of(new IndexRecord.Expunge(present, modSeq)), 0, modSeq);
            for (FolderIndex.Entry entry : removed) {
                files.unlink(entry); // after the record is durable: a crash before this unlinks at load
                structuresRemove(entry.meta().uid());
            }
            hub.publish(new FolderChange.Expunged(present, modSeq));
            return present;
        } finally {
            commit.unlock();
        }
    }

    @Override
    public List<Long> expungedSince(long modSeq) throws IOException {
        requirePresent();
        return read(() -> index.expungedSince(modSeq));
    }

    @Override
    public long expungeHorizon() {
        return read(() -> index.expungeHorizon());
    }

    @Override
    public Subscription watch(FolderWatcher watcher) {
        if (hub.add(watcher)) account.newMail().watch(this);
        return () -> {
            if (hub.remove(watcher)) account.newMail().unwatch(this);
        };
    }

    boolean isWatched() {
        return hub.isWatched();
    }

    /** INBOX: a delivery put {@code deliveryId} into new/; a watched INBOX gives it a UID at once (IDLE). */
    void delivered(String deliveryId) throws IOException {
        newDeliveries.add(deliveryId);
        if (hub.isWatched() && !gone) scanNew();
    }

    /**
     * INBOX: whether a delivery with this id is here, indexed or still in new/. One listing of new/ per process
     * (the first check); afterwards a hash lookup, whatever the folder's size.
     */
    boolean hasDelivery(String deliveryId) throws IOException {
        commit.lock();
        try {
            loadIndex();
            if (!newListed) {
                // An index made just now (a mailbox from before the index, or one whose index was lost) does not
                // know cur/ yet either: one listing of it too, the same once-per-process cost.
                List<Path> unindexed = !reconciled && freshIndex ? List.of(files.incoming, files.cur) : List.of(files.incoming);
                for (Path directory : unindexed) {
                    for (String file : Directories.names(directory)) {
                        if (!index.knows(basename(file))) MaildirNames.deliveryId(file).ifPresent(newDeliveries::add);
                    }
                }
                newListed = true;
            }
            return read(() -> index.hasDelivery(deliveryId)) || newDeliveries.contains(deliveryId);
        } finally {
            commit.unlock();
        }
    }

    /** The folder was deleted or renamed: this object refuses further calls; sessions must reopen by name. */
    void markGone() {
        gone = true;
        hub.publish(new FolderChange.Reset());
        commit.lock();
        try {
            if (indexFiles != null) indexFiles.close();
            if (structures != null) structures.close();
        } catch (IOException e) {
            // Every transaction was forced when it committed: a failed close loses nothing.
            log.warn("closing the index of {} failed", name, e);
        } finally {
            commit.unlock();
        }
    }

    private void structuresRemove(long uid) {
        StructureCache cache = read(() -> structures);
        cache.remove(uid);
    }

    private void requirePresent() throws IOException {
        if (gone) throw new IOException("folder " + name + " was deleted or renamed");
    }

    private static List<MessageMeta> metas(List<IndexRecord> appends) {
        List<MessageMeta> metas = new ArrayList<>(appends.size());
        for (IndexRecord record : appends) {
            IndexRecord.Append a = (IndexRecord.Append) record;
            metas.add(new MessageMeta(a.uid(), a.modSeq(), a.flags(), a.internalDate(), a.size()));
        }
        return metas;
    }

    private static String basename(String file) {
        int info = file.indexOf(':');
        return info < 0 ? file : file.substring(0, info);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> m = new TreeSet<>(a);
        m.removeAll(b);
        return Set.copyOf(m);
    }

    private <T> T read(java.util.function.Supplier<T> reader) {
        state.readLock().lock();
        try {
            if (index == null) throw new IllegalStateException("folder " + name + " used before it was opened");
            return reader.get();
        } finally {
            state.readLock().unlock();
        }
    }

    private void writeState(Runnable change) {
        state.writeLock().lock();
        try {
            change.run();
        } finally {
            state.writeLock().unlock();
        }
    }
}
