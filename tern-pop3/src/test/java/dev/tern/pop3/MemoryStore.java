package dev.tern.pop3;

import dev.tern.mail.Mailbox;
import dev.tern.store.AppendResult;
import dev.tern.store.CopyResult;
import dev.tern.store.FlagOperation;
import dev.tern.store.Folder;
import dev.tern.store.FolderChange;
import dev.tern.store.FolderInfo;
import dev.tern.store.FolderOutcome;
import dev.tern.store.FolderSnapshot;
import dev.tern.store.FolderWatcher;
import dev.tern.store.Folders;
import dev.tern.store.MailStore;
import dev.tern.store.MessageMeta;
import dev.tern.store.MessageStructure;
import dev.tern.store.SpecialUse;
import dev.tern.store.StoreResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An honest in-memory {@link MailStore} with only INBOX per user, for POP3 session and wire tests: UIDs grow
 * and are never reused, content is kept with CRLF, {@link #failing} makes every folder call throw
 * {@link IOException} (a store in trouble). Folder-tree changes beyond INBOX are refused; MIME structure is not
 * needed by POP3 and throws.
 */
public final class MemoryStore implements MailStore {
    private final Map<String, MemoryFolders> users = new HashMap<>();
    /** While true, every folder call fails as a broken disk would. */
    public volatile boolean failing;

    @Override
    public void deliver(Mailbox user, dev.tern.store.SpecialUse use, String deliveryId, InputStream content,
                        boolean checkExisting) throws IOException {
        throw new UnsupportedOperationException("POP3 tests read only the INBOX");
    }

    @Override
    public synchronized void deliver(Mailbox user, String deliveryId, InputStream content, boolean checkExisting)
            throws IOException {
        ((MemoryFolders) folders(user)).inbox.append(content, Set.of(), Instant.EPOCH);
    }

    /** Delivers {@code text} (LF or CRLF line ends; stored with CRLF). */
    public void deliver(Mailbox user, String text) {
        try {
            deliver(user, "x", new ByteArrayInputStream(text.replace("\r\n", "\n").replace("\n", "\r\n")
                    .getBytes(StandardCharsets.UTF_8)), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized Folders folders(Mailbox user) throws IOException {
        if (failing) throw new IOException("store failing");
        return users.computeIfAbsent(user.canonicalLocalPart() + "@" + user.domain().name(), k -> new MemoryFolders());
    }

    public MemoryFolder inbox(Mailbox user) throws IOException {
        return ((MemoryFolders) folders(user)).inbox;
    }

    final class MemoryFolders implements Folders {
        final MemoryFolder inbox = new MemoryFolder();

        @Override
        public List<FolderInfo> list() {
            return List.of(new FolderInfo(INBOX, Optional.empty(), true));
        }

        @Override
        public Optional<Folder> open(String name) throws IOException {
            if (failing) throw new IOException("store failing");
            return name.equalsIgnoreCase(INBOX) ? Optional.of(inbox) : Optional.empty();
        }

        @Override
        public FolderOutcome create(String name, Optional<SpecialUse> use) {
            return new FolderOutcome.Refused("only INBOX in this fixture");
        }

        @Override
        public FolderOutcome delete(String name) {
            return new FolderOutcome.Refused("only INBOX in this fixture");
        }

        @Override
        public FolderOutcome rename(String from, String to) {
            return new FolderOutcome.Refused("only INBOX in this fixture");
        }

        @Override
        public void subscribe(String name, boolean subscribed) {
            // the fixture's one folder is always subscribed
        }

        @Override
        public List<String> subscriptions() {
            return List.of(INBOX);
        }
    }

    /** INBOX of one user. */
    public final class MemoryFolder implements Folder {
        private record Stored(MessageMeta meta, byte[] content) {}

        private final TreeMap<Long, Stored> messages = new TreeMap<>();
        private final List<FolderWatcher> watchers = new CopyOnWriteArrayList<>();
        private final List<Long> expunges = new ArrayList<>();
        private long uidNext = 1;
        private long modSeq = 1;

        @Override
        public String name() {
            return Folders.INBOX;
        }

        @Override
        public long uidValidity() {
            return 1700000000L;
        }

        @Override
        public synchronized FolderSnapshot snapshot() throws IOException {
            check();
            return new FolderSnapshot(uidValidity(), uidNext, modSeq, messages.values().stream().map(Stored::meta).toList());
        }

        @Override
        public synchronized Optional<InputStream> content(long uid) throws IOException {
            check();
            Stored stored = messages.get(uid);
            return stored == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(stored.content()));
        }

        @Override
        public Optional<MessageStructure> structure(long uid) {
            throw new UnsupportedOperationException("POP3 needs no MIME structure");
        }

        @Override
        public synchronized AppendResult append(InputStream content, Set<String> flags, Instant internalDate)
                throws IOException {
            check();
            byte[] octets = content.readAllBytes();
            long uid = uidNext++;
            MessageMeta meta = new MessageMeta(uid, ++modSeq, flags, internalDate == null ? Instant.EPOCH : internalDate,
                    octets.length);
            messages.put(uid, new Stored(meta, octets));
            tell(new FolderChange.Added(List.of(meta)));
            return new AppendResult(uidValidity(), uid);
        }

        @Override
        public StoreResult store(Collection<Long> uids, FlagOperation operation, Set<String> flags,
                                 OptionalLong unchangedSince) {
            throw new UnsupportedOperationException("POP3 sets no flags");
        }

        @Override
        public CopyResult copy(Collection<Long> uids, Folder target) {
            throw new UnsupportedOperationException("POP3 copies nothing");
        }

        @Override
        public CopyResult move(Collection<Long> uids, Folder target) {
            throw new UnsupportedOperationException("POP3 moves nothing");
        }

        @Override
        public synchronized List<Long> expunge(Collection<Long> uids) throws IOException {
            check();
            List<Long> removed = new ArrayList<>();
            for (long uid : uids) if (messages.remove(uid) != null) removed.add(uid);
            if (!removed.isEmpty()) {
                modSeq++;
                expunges.addAll(removed);
                tell(new FolderChange.Expunged(removed, modSeq));
            }
            return removed;
        }

        @Override
        public List<Long> expungeDeleted(Collection<Long> uids) {
            throw new UnsupportedOperationException("POP3 expunges by DELE, not by \\Deleted");
        }

        /** Every UID expunged so far, in order: what the tests check after QUIT. */
        public synchronized List<Long> expunged() {
            return List.copyOf(expunges);
        }

        @Override
        public List<Long> expungedSince(long since) {
            throw new UnsupportedOperationException("POP3 needs no QRESYNC");
        }

        @Override
        public long expungeHorizon() {
            return 1;
        }

        @Override
        public Subscription watch(FolderWatcher watcher) {
            watchers.add(watcher);
            return () -> watchers.remove(watcher);
        }

        private void tell(FolderChange change) {
            for (FolderWatcher watcher : watchers) watcher.changed(change);
        }

        private void check() throws IOException {
            if (failing) throw new IOException("store failing");
        }
    }
}
