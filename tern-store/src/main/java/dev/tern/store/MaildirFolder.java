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
 * One Maildir++ folder and its index ({@code docs/store.md}). Every change is computed and its transaction
 * written to the log under the folder's commit lock; concurrent changes then share the log's fsync
 * ({@link GroupCommit}), and only after it is each applied to the in-memory index (under the state lock, which
 * readers take) and told to the watchers, in log order, so no UID or mod-sequence is seen before it is durable.
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
    /** The log's group commit: transactions written under {@link #commit} share one fsync per round. */
    private final GroupCommit<Transaction> commits = new GroupCommit<>(new GroupCommit.Batches<>() {
        @Override
        public void force() throws IOException {
            indexFiles.force();
        }

        @Override
        public void durable(List<Transaction> batch) {
            MaildirFolder.this.durable(batch);
        }

        @Override
        public void failed(List<Transaction> batch, IOException failure) {
            MaildirFolder.this.failed(batch, failure);
        }
    });
    /** Transactions written but not yet durable, by UID and basename (guarded by state; see {@link #current}). */
    private final java.util.Map<Long, Staged> staged = new java.util.HashMap<>();
    private final java.util.Map<String, Long> stagedBasenames = new java.util.HashMap<>();
    private long allocatedUidNext; // guarded by commit: past every UID written to the log
    private long allocatedModSeq; // guarded by commit: the highest mod-sequence written to the log
    /** Delivery ids of INBOX files in new/ not yet indexed: filled by one listing, then by each delivery. */
    private final Set<String> newDeliveries = ConcurrentHashMap.newKeySet();
    private boolean newListed; // guarded by commit
    private boolean reconciled; // guarded by commit
    private boolean freshIndex; // guarded by commit: made in this process (new folder, or none on disk yet)
    private IndexFiles indexFiles; // guarded by commit
    private FolderIndex index; // written under commit + state write lock; read under either
    private volatile boolean gone;
    /** Entries expunged durably whose files are not unlinked yet (see {@link #compactIfDue}). */
    private final Set<FolderIndex.Entry> pendingUnlinks = ConcurrentHashMap.newKeySet();

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
        Adoption adoption = Adoption.NONE;
        commit.lock();
        try {
            loadIndex();
            if (!reconciled) {
                List<String> unknown = new ArrayList<>();
                List<String> names = Directories.names(files.cur); // one listing: O(n), then one hash lookup each
                state.readLock().lock();
                try {
                    for (String file : names) if (currentByBasename(basename(file)).isEmpty()) unknown.add(file);
                } finally {
                    state.readLock().unlock();
                }
                adoption = adopt(unknown, files.cur);
                reconciled = true;
            }
        } finally {
            commit.unlock();
        }
        finish(adoption);
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
            files.unlinkAll(loaded.get().expunged()); // one listing of cur/ at most, whatever their number
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
     * Gives UIDs to files in new/ (delivered, or put there by another program): one transaction, then the renames
     * into cur/. Cheap when new/ is empty: one directory read. When files found there are in a transaction of
     * another caller still waiting for its fsync, waits for it, so a snapshot after this includes them.
     */
    void scanNew() throws IOException {
        List<String> found = Directories.names(files.incoming);
        if (found.isEmpty()) return;
        Adoption adoption;
        commit.lock();
        try {
            loadIndex();
            adoption = adopt(found, files.incoming);
        } finally {
            commit.unlock();
        }
        finish(adoption);
    }

    /** What {@link #adopt} wrote: its transaction (or none), the renames new/ → cur/ to do after it is durable. */
    private record Adoption(Transaction transaction, List<String[]> renames, boolean sawPending) {
        static final Adoption NONE = new Adoption(null, List.of(), false);
    }

    /**
     * Under the commit lock: writes Appends for files of {@code from} (new/ or cur/) in name order, in one
     * transaction. {@link #finish} then waits for it and moves files of new/ to cur/.
     */
    private Adoption adopt(List<String> found, Path from) throws IOException {
        List<String> sorted = new ArrayList<>(found);
        sorted.sort(null);
        long uid = nextUid();
        long modSeq = nextModSeq();
        List<IndexRecord> appends = new ArrayList<>();
        List<String[]> renames = new ArrayList<>(); // {name in new/, name in cur/}
        boolean sawPending = false;
        for (String file : sorted) {
            String basename = basename(file);
            Optional<FolderIndex.Entry> known;
            boolean pending;
            state.readLock().lock();
            try {
                pending = stagedBasenames.containsKey(basename);
                known = currentByBasename(basename);
            } finally {
                state.readLock().unlock();
            }
            if (pending) {
                sawPending = true; // its own adopter renames it once it is durable
                continue;
            }
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
        // The record must not be durable before the file's entry in new/ is: after a power loss the log would name a
        // message that is gone, and a retried delivery would find its id and store nothing (found by review). The
        // inotify watch and other programs' files reach here before their writer's fsync of new/.
        if (!appends.isEmpty() && from.equals(files.incoming)) DirectorySync.force(from);
        Transaction transaction = appends.isEmpty() ? null
                : write(appends, uid - 1, modSeq, new FolderChange.Added(metas(appends)));
        return new Adoption(transaction, renames, sawPending);
    }

    /** Outside the commit lock: waits for an adoption's transaction, then renames its files into cur/. */
    private void finish(Adoption adoption) throws IOException {
        if (adoption.transaction() != null) commits.await(adoption.transaction());
        else if (adoption.sawPending()) commits.awaitQueued();
        for (String[] rename : adoption.renames()) {
            try {
                // Not forced: lookups try new/ too, and compaction forces cur/ and new/ first.
                Files.move(files.incoming.resolve(rename[0]), files.cur.resolve(rename[1]), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // Moved by another reader: locate() finds it by its basename.
            }
            MaildirNames.deliveryId(rename[0]).ifPresent(newDeliveries::remove);
        }
    }

    /** One transaction of this folder's log, from its write to its fsync ({@link GroupCommit}). */
    private static final class Transaction extends GroupCommit.Ticket {
        final List<IndexRecord> records;
        final long lastUid; // the highest UID it gives, or 0
        final long modSeq;
        final FolderChange change; // what the watchers hear once it is durable
        List<FolderIndex.Entry> removed = List.of(); // what its Expunge removed; set by the round that applied it
        boolean written;

        Transaction(List<IndexRecord> records, long lastUid, long modSeq, FolderChange change) {
            this.records = records;
            this.lastUid = lastUid;
            this.modSeq = modSeq;
            this.change = change;
        }
    }

    /** What a transaction written but not yet durable did to a message: its entry then, or null if expunged. */
    private record Staged(FolderIndex.Entry entry, long modSeq) {}

    /**
     * Under the commit lock: writes a transaction's frame (no fsync) and stages it, so the next transactions are
     * computed on top of it, while readers still see only what is durable. The caller then {@link
     * GroupCommit#await}s it outside the lock. A failed write still takes its numbers (they may be on disk): the
     * transaction goes through the queue failed, and its round moves the counters past them.
     */
    private Transaction write(List<IndexRecord> records, long lastUid, long modSeq, FolderChange change)
            throws IOException {
        compactIfDue();
        Transaction transaction = new Transaction(records, lastUid, modSeq, change);
        allocatedUidNext = Math.max(allocatedUidNext, lastUid + 1);
        allocatedModSeq = Math.max(allocatedModSeq, modSeq);
        try {
            indexFiles.write(records);
            transaction.written = true;
            writeState(() -> stage(transaction));
        } catch (IOException | RuntimeException e) {
            commits.fail(transaction, e instanceof IOException io ? io : new IOException(e));
        }
        commits.enqueue(transaction);
        return transaction;
    }

    /**
     * Under the commit lock, before a write: replaces a long log by a snapshot, once every transaction written is
     * durable and applied (so the in-memory index is exactly the log). A failure leaves the log as it is.
     */
    private void compactIfDue() {
        if (!indexFiles.wantsCompaction(read(() -> index.size()))) return;
        try {
            commits.awaitQueued();
            // Expunged messages whose files their expunger has not unlinked yet: once the snapshot replaces the log,
            // nothing would name those files any more and a crash would let the next open adopt them as new mail
            // (found by review). Unlink them here; the expunger's own unlink then finds nothing.
            for (FolderIndex.Entry entry : List.copyOf(pendingUnlinks)) {
                files.unlink(entry);
                pendingUnlinks.remove(entry);
            }
            // Unlinks and new/ → cur/ renames were not forced; a snapshot must not outlive them.
            DirectorySync.force(files.cur);
            DirectorySync.force(files.incoming);
            state.readLock().lock();
            try {
                indexFiles.compact(index);
            } finally {
                state.readLock().unlock();
            }
        } catch (IOException e) {
            log.warn("compacting the index of {} failed; the log keeps growing until the next try", name, e);
        }
    }

    /** The durable batch of a round, in log order: apply each transaction, then tell the watchers. */
    private void durable(List<Transaction> batch) {
        writeState(() -> {
            for (Transaction t : batch) {
                if (t.written) {
                    List<FolderIndex.Entry> removed = new ArrayList<>();
                    for (IndexRecord r : t.records) removed.addAll(index.apply(r));
                    t.removed = removed;
                    pendingUnlinks.addAll(removed); // until their files are gone: compaction must not outrun them
                    unstage(t);
                } else {
                    index.skipPast(t.lastUid, t.modSeq); // it may be on disk: never hand its numbers out again
                }
            }
        });
        for (Transaction t : batch) if (t.written && t.change != null) hub.publish(t.change);
    }

    /** A round whose fsync failed: none of it is handed out, and its numbers are never given again. */
    private void failed(List<Transaction> batch, IOException failure) {
        log.error("fsync of the index log of {} failed: {} transactions fail, the log refuses more", name, batch.size(), failure);
        writeState(() -> {
            for (Transaction t : batch) {
                index.skipPast(t.lastUid, t.modSeq);
                if (t.written) unstage(t);
            }
        });
    }

    /** Under the state write lock: the transaction's effect on the working view (see {@link #current}). */
    private void stage(Transaction t) {
        for (IndexRecord r : t.records) {
            switch (r) {
                case IndexRecord.Append a -> {
                    staged.put(a.uid(), new Staged(new FolderIndex.Entry(
                            new MessageMeta(a.uid(), a.modSeq(), a.flags(), a.internalDate(), a.size()), a.file()), t.modSeq));
                    stagedBasenames.put(a.basename(), a.uid());
                }
                case IndexRecord.Flags f -> current(f.uid()).ifPresent(e -> staged.put(f.uid(), new Staged(
                        new FolderIndex.Entry(new MessageMeta(f.uid(), f.modSeq(), f.flags(), e.meta().internalDate(),
                                e.meta().size()), e.file()), t.modSeq)));
                case IndexRecord.Expunge x -> {
                    for (long uid : x.uids()) staged.put(uid, new Staged(null, t.modSeq));
                }
                case IndexRecord.Init i -> {
                    // Not staged: only a new log starts with it.
                }
                case IndexRecord.State st -> {
                    // Snapshot only.
                }
                case IndexRecord.End e -> {
                    // Snapshot only.
                }
            }
        }
    }

    /** Under the state write lock: the transaction is applied (or failed); its staged entries go. */
    private void unstage(Transaction t) {
        for (IndexRecord r : t.records) {
            switch (r) {
                case IndexRecord.Append a -> {
                    unstage(a.uid(), t.modSeq);
                    stagedBasenames.remove(a.basename(), a.uid());
                }
                case IndexRecord.Flags f -> unstage(f.uid(), t.modSeq);
                case IndexRecord.Expunge x -> {
                    for (long uid : x.uids()) unstage(uid, t.modSeq);
                }
                case IndexRecord.Init i -> {
                    // Never staged.
                }
                case IndexRecord.State st -> {
                    // Never staged.
                }
                case IndexRecord.End e -> {
                    // Never staged.
                }
            }
        }
    }

    private void unstage(long uid, long modSeq) {
        Staged s = staged.get(uid);
        if (s != null && s.modSeq() == modSeq) staged.remove(uid); // a later transaction's entry stays
    }

    /**
     * The working view of a message, under a state lock: the durable index with the transactions written but not
     * yet durable on top. Only changes are computed on it; readers see the durable index.
     */
    private Optional<FolderIndex.Entry> current(long uid) {
        Staged s = staged.get(uid);
        if (s != null) return Optional.ofNullable(s.entry());
        return index.get(uid);
    }

    private Optional<FolderIndex.Entry> currentByBasename(String basename) {
        Long uid = stagedBasenames.get(basename);
        return uid != null ? current(uid) : index.byBasename(basename);
    }

    /** Under the commit lock: the next UID to give, past the durable ones and those written but not yet durable. */
    private long nextUid() {
        return Math.max(read(() -> index.uidNext()), allocatedUidNext);
    }

    private long nextModSeq() {
        return Math.max(read(() -> index.highestModSeq()), allocatedModSeq) + 1;
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
        boolean logged = false;
        try {
            curSync.sync(); // shared with concurrent APPENDs and COPYs into this folder
            Transaction transaction;
            commit.lock();
            try {
                loadIndex();
                long uid = nextUid();
                long modSeq = nextModSeq();
                List<IndexRecord> appends = new ArrayList<>(copied.size());
                for (Copied c : copied) {
                    uids.add(uid);
                    appends.add(new IndexRecord.Append(uid++, c.file(), c.internalDate(), c.size(), c.flags(), modSeq));
                }
                transaction = write(appends, uid - 1, modSeq, new FolderChange.Added(metas(appends)));
                logged = true;
            } finally {
                commit.unlock();
            }
            commits.await(transaction); // shares the log's fsync with concurrent writers of this folder
        } catch (IOException | RuntimeException e) {
            // Once the record is in the log its fsync may have reached the disk although it failed: the files stay,
            // so a record never names a missing file (at worst the next open adopts them). Before that they go.
            if (!logged) for (Copied c : copied) MessageFiles.ignoreMissing(files.cur.resolve(c.file()));
            throw e;
        }
        return uids;
    }

    @Override
    public StoreResult store(Collection<Long> uids, FlagOperation operation, Set<String> flags,
                             OptionalLong unchangedSince) throws IOException {
        requirePresent();
        Set<String> given = MessageFlags.normalize(flags);
        List<MessageMeta> updated = new ArrayList<>();
        List<Long> modified = new ArrayList<>();
        Transaction transaction = null;
        commit.lock();
        try {
            loadIndex();
            long modSeq = nextModSeq();
            List<IndexRecord> changes = new ArrayList<>();
            state.readLock().lock();
            try {
                for (long uid : new TreeSet<>(uids)) {
                    Optional<FolderIndex.Entry> entry = current(uid);
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
            } finally {
                state.readLock().unlock();
            }
            if (!changes.isEmpty()) {
                transaction = write(changes, 0, modSeq, new FolderChange.FlagsChanged(
                        updated.stream().filter(m -> m.modSeq() == modSeq).toList()));
            }
        } finally {
            commit.unlock();
        }
        // What it answers may come from transactions of others still waiting for their fsync: wait for those too.
        if (transaction != null) commits.await(transaction);
        else commits.awaitQueued();
        return new StoreResult(updated, modified);
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
        return expunge(uids, false);
    }

    @Override
    public List<Long> expungeDeleted(Collection<Long> uids) throws IOException {
        return expunge(uids, true);
    }

    /** One transaction; with {@code onlyDeleted}, the flags are checked under the commit lock, staged changes included. */
    private List<Long> expunge(Collection<Long> uids, boolean onlyDeleted) throws IOException {
        requirePresent();
        List<Long> present = new ArrayList<>();
        Transaction transaction;
        commit.lock();
        try {
            loadIndex();
            state.readLock().lock();
            try {
                for (long uid : new TreeSet<>(uids)) {
                    Optional<FolderIndex.Entry> now = current(uid);
                    if (now.isPresent() && (!onlyDeleted || now.get().meta().has("\\Deleted"))) present.add(uid);
                }
            } finally {
                state.readLock().unlock();
            }
            if (present.isEmpty()) return List.of();
            long modSeq = nextModSeq();
            transaction = write(List.of(new IndexRecord.Expunge(present, modSeq)), 0, modSeq,
                    new FolderChange.Expunged(present, modSeq));
        } finally {
            commit.unlock();
        }
        commits.await(transaction);
        for (FolderIndex.Entry entry : transaction.removed) {
            files.unlink(entry); // after the record is durable: a crash before this unlinks at load
            pendingUnlinks.remove(entry);
            structuresRemove(entry.meta().uid());
        }
        return present;
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
        // The first watcher registers new/ with the watch service and the last unregisters it; under one lock, so
        // a SELECT and a LOGOUT at once cannot leave the folder watched by a session but not by the service.
        synchronized (hub) {
            if (hub.add(watcher)) account.newMail().watch(this);
        }
        return () -> {
            synchronized (hub) {
                if (hub.remove(watcher)) account.newMail().unwatch(this);
            }
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
