package dev.tern.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One user's Maildir++ tree ({@code docs/store.md}): INBOX is the mailbox directory itself, folder {@code A.B} the
 * directory {@code .A.B} beside its tmp/new/cur. Holds one {@link MaildirFolder} per folder, shared by all
 * sessions, and the account-wide files: {@code subscriptions} (Dovecot's name) and {@code tern-uidvalidity}, the
 * counter every new or rebuilt index takes its UIDVALIDITY from. Tree changes run under one lock.
 */
final class MaildirFolders implements Folders {
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String UIDVALIDITY = "tern-uidvalidity";
    static final String SPECIAL_USE = "tern-special-use";
    private static final AtomicLong UNIQUE = new AtomicLong();

    private final Path maildir;
    private final String hostname;
    private final Clock clock;
    private final NewMailWatch newMail;
    private final Map<String, MaildirFolder> open = new ConcurrentHashMap<>();
    private final ReentrantLock tree = new ReentrantLock();
    private final ReentrantLock counter = new ReentrantLock();
    private TreeSet<String> subscribed; // guarded by tree
    private Map<String, SpecialUse> uses; // guarded by tree
    private volatile boolean setUp;

    MaildirFolders(Path maildir, String hostname, Clock clock, NewMailWatch newMail) {
        this.maildir = maildir;
        this.hostname = hostname;
        this.clock = clock;
        this.newMail = newMail;
    }

    Clock clock() {
        return clock;
    }

    NewMailWatch newMail() {
        return newMail;
    }

    MaildirFolder inbox() {
        return folder(INBOX);
    }

    /** The folder that has special use {@code use}, if one does. */
    Optional<MaildirFolder> withUse(SpecialUse use) throws IOException {
        tree.lock();
        try {
            loadTree();
            for (var entry : uses.entrySet()) {
                if (entry.getValue() == use && exists(entry.getKey())) return Optional.of(folder(entry.getKey()));
            }
            return Optional.empty();
        } finally {
            tree.unlock();
        }
    }

    /** A new maildir.txt unique name for a message this store writes itself (APPEND, COPY). */
    String uniqueName() {
        String id = "M" + Long.toString(System.nanoTime(), 36) + "P" + ProcessHandle.current().pid() + "C"
                + Long.toString(UNIQUE.incrementAndGet(), 36);
        return MaildirNames.uniqueName(clock.instant().getEpochSecond(), id, hostname);
    }

    /**
     * The next UIDVALIDITY of this account: never below the current second, so a lost counter file still gives
     * values above those handed out before (RFC 9051 §2.3.1.1).
     */
    long nextUidValidity() throws IOException {
        counter.lock();
        try {
            Path file = maildir.resolve(UIDVALIDITY);
            long stored = 0;
            try {
                stored = Long.parseLong(Files.readString(file).strip());
            } catch (NoSuchFileException | NumberFormatException e) {
                stored = 0; // absent or damaged: the clock keeps new values above old ones
            }
            long next = Math.max(Math.max(stored, clock.instant().getEpochSecond()), 1);
            if (next >= 0xFFFF_FFFFL) throw new IOException("UIDVALIDITY counter exhausted");
            Directories.writeAtomically(file, (next + 1 + "\n").getBytes(StandardCharsets.US_ASCII));
            return next;
        } finally {
            counter.unlock();
        }
    }

    /**
     * A new account (no subscriptions file yet: neither Tern nor Dovecot has served it) gets the special-use
     * folders, subscribed. Checked once per process.
     */
    void setUp() throws IOException {
        if (setUp) return;
        tree.lock();
        try {
            if (setUp) return;
            if (!Files.exists(maildir.resolve(SUBSCRIPTIONS))) {
                loadTree();
                for (SpecialUse use : SpecialUse.CREATED) {
                    String name = use.defaultName();
                    if (!exists(name)) make(name, Optional.of(use));
                    subscribed.add(name);
                }
                subscribed.add(INBOX);
                writeSubscriptions(); // last: its presence says the account is set up
            }
            setUp = true;
        } finally {
            tree.unlock();
        }
    }

    @Override
    public List<FolderInfo> list() throws IOException {
        tree.lock();
        try {
            loadTree();
            List<FolderInfo> infos = new ArrayList<>();
            infos.add(new FolderInfo(INBOX, Optional.empty(), subscribed.contains(INBOX)));
            for (String name : names()) {
                infos.add(new FolderInfo(name, Optional.ofNullable(uses.get(name)), subscribed.contains(name)));
            }
            return infos;
        } finally {
            tree.unlock();
        }
    }

    @Override
    public Optional<Folder> open(String name) throws IOException {
        Optional<String> canonical = FolderNames.canonical(name);
        if (canonical.isEmpty()) return Optional.empty();
        MaildirFolder folder;
        // Under the tree lock: a DELETE or RENAME cannot run between the check and the lookup, which could leave a
        // stale object for the old directory in the map (found by review). A folder evicted after this fails its
        // calls (and load) as gone.
        tree.lock();
        try {
            if (!exists(canonical.get())) return Optional.empty();
            folder = folder(canonical.get());
        } finally {
            tree.unlock();
        }
        folder.load();
        return Optional.of(folder);
    }

    @Override
    public FolderOutcome create(String name, Optional<SpecialUse> use) throws IOException {
        Optional<String> canonical = FolderNames.canonical(name);
        if (canonical.isEmpty()) return new FolderOutcome.Refused("not a valid folder name");
        String target = canonical.get();
        tree.lock();
        try {
            loadTree();
            if (exists(target)) return new FolderOutcome.AlreadyExists(target);
            makeParents(target);
            make(target, use);
            return new FolderOutcome.Done();
        } finally {
            tree.unlock();
        }
    }

    @Override
    public FolderOutcome delete(String name) throws IOException {
        Optional<String> canonical = FolderNames.canonical(name);
        if (canonical.isEmpty()) return new FolderOutcome.NoSuchFolder(name);
        String target = canonical.get();
        if (FolderNames.isInbox(target)) return new FolderOutcome.Refused("INBOX cannot be deleted");
        tree.lock();
        try {
            loadTree();
            if (!exists(target)) return new FolderOutcome.NoSuchFolder(target);
            // RFC 9051 §6.3.5 leaves this to the server; Dovecot on Maildir++ refuses it the same way.
            if (names().stream().anyMatch(n -> n.startsWith(target + SEPARATOR))) {
                return new FolderOutcome.Refused("the folder has subfolders; delete them first");
            }
            evict(target);
            Path trash = maildir.resolve("tern-deleted-" + System.nanoTime()); // no leading dot: not a folder
            Files.move(directory(target), trash, StandardCopyOption.ATOMIC_MOVE);
            DirectorySync.force(maildir);
            uses.remove(target);
            deleteTree(trash);
            return new FolderOutcome.Done();
        } finally {
            tree.unlock();
        }
    }

    @Override
    public FolderOutcome rename(String from, String to) throws IOException {
        Optional<String> source = FolderNames.canonical(from);
        Optional<String> target = FolderNames.canonical(to);
        if (source.isEmpty()) return new FolderOutcome.NoSuchFolder(from);
        if (target.isEmpty()) return new FolderOutcome.Refused("not a valid folder name");
        if (FolderNames.isInbox(source.get())) return renameInbox(target.get());
        tree.lock();
        try {
            loadTree();
            String old = source.get();
            String now = target.get();
            if (!exists(old)) return new FolderOutcome.NoSuchFolder(old);
            if (exists(now)) return new FolderOutcome.AlreadyExists(now);
            if (now.startsWith(old + SEPARATOR)) return new FolderOutcome.Refused("cannot move a folder into itself");
            List<String> moving = names().stream().filter(n -> n.equals(old) || n.startsWith(old + SEPARATOR)).toList();
            for (String n : moving) {
                String renamed = now + n.substring(old.length());
                if (exists(renamed)) return new FolderOutcome.AlreadyExists(renamed);
            }
            makeParents(now);
            // Maildir++ is flat: each level is its own directory, renamed one by one (a crash can stop half way).
            for (String n : moving) {
                String renamed = now + n.substring(old.length());
                evict(n);
                Files.move(directory(n), directory(renamed), StandardCopyOption.ATOMIC_MOVE);
                SpecialUse use = uses.remove(n);
                if (use != null) uses.put(renamed, use);
            }
            DirectorySync.force(maildir);
            return new FolderOutcome.Done();
        } finally {
            tree.unlock();
        }
    }

    /** RFC 9051 §6.3.6: renaming INBOX moves its messages into a new folder and leaves INBOX, empty, in place. */
    private FolderOutcome renameInbox(String to) throws IOException {
        if (FolderNames.isInbox(to)) return new FolderOutcome.AlreadyExists(to);
        FolderOutcome created = create(to, Optional.empty());
        if (!(created instanceof FolderOutcome.Done)) return created;
        MaildirFolder inbox = inbox();
        inbox.load();
        Folder target = open(to).orElseThrow(() -> new IOException("folder " + to + " vanished"));
        List<Long> uids = inbox.snapshot().messages().stream().map(MessageMeta::uid).toList();
        inbox.move(uids, target);
        return new FolderOutcome.Done();
    }

    @Override
    public void subscribe(String name, boolean subscribe) throws IOException {
        // Names with CR or LF cannot be folders, nor lines of the file: nothing to remember.
        if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) return;
        String canonical = FolderNames.canonical(name).orElse(name);
        tree.lock();
        try {
            loadTree();
            boolean changed = subscribe ? subscribed.add(canonical) : subscribed.remove(canonical);
            if (changed) writeSubscriptions();
        } finally {
            tree.unlock();
        }
    }

    @Override
    public List<String> subscriptions() throws IOException {
        tree.lock();
        try {
            loadTree();
            return List.copyOf(subscribed);
        } finally {
            tree.unlock();
        }
    }

    private MaildirFolder folder(String canonical) {
        return open.computeIfAbsent(canonical, n -> new MaildirFolder(n, directory(n), this));
    }

    private Path directory(String canonical) {
        return FolderNames.isInbox(canonical) ? maildir : maildir.resolve(FolderNames.directory(canonical));
    }

    private boolean exists(String canonical) {
        return FolderNames.isInbox(canonical) || Files.isDirectory(directory(canonical).resolve("cur"));
    }

    private void evict(String canonical) {
        MaildirFolder folder = open.remove(canonical);
        if (folder != null) folder.markGone();
    }

    /** The folders other than INBOX, in name order. */
    private List<String> names() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (String entry : Directories.all(maildir)) {
            if (!entry.startsWith(".") || !Files.isDirectory(maildir.resolve(entry))) continue;
            FolderNames.fromDirectory(entry).ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    private void makeParents(String canonical) throws IOException {
        int dot = -1;
        while ((dot = canonical.indexOf(SEPARATOR, dot + 1)) > 0) {
            String parent = canonical.substring(0, dot);
            if (!exists(parent)) make(parent, Optional.empty());
        }
    }

    /** Makes a folder whole in a scratch directory, then renames it into place: it appears complete or not at all. */
    private void make(String canonical, Optional<SpecialUse> use) throws IOException {
        Path scratch = maildir.resolve("tern-new-" + System.nanoTime());
        for (String sub : List.of("tmp", "new", "cur")) Files.createDirectories(scratch.resolve(sub));
        Files.createFile(scratch.resolve("maildirfolder")); // Maildir++: marks a folder for delivery agents
        if (use.isPresent()) {
            Files.writeString(scratch.resolve(SPECIAL_USE), use.get().attribute() + "\n", StandardCharsets.US_ASCII);
        }
        DirectorySync.force(scratch);
        Files.move(scratch, directory(canonical), StandardCopyOption.ATOMIC_MOVE);
        DirectorySync.force(maildir);
        if (uses != null) use.ifPresent(u -> uses.put(canonical, u));
    }

    private void loadTree() throws IOException {
        if (uses != null) return;
        TreeSet<String> subs = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(maildir.resolve(SUBSCRIPTIONS), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) subs.add(line);
            }
        } catch (NoSuchFileException e) {
            // No subscriptions yet.
        }
        Map<String, SpecialUse> found = new HashMap<>();
        for (String name : names()) {
            try {
                String attribute = Files.readString(directory(name).resolve(SPECIAL_USE), StandardCharsets.US_ASCII).strip();
                for (SpecialUse use : SpecialUse.values()) if (use.attribute().equalsIgnoreCase(attribute)) found.put(name, use);
            } catch (NoSuchFileException e) {
                // An ordinary folder.
            }
        }
        for (String entry : Directories.all(maildir)) {
            if (entry.startsWith("tern-deleted-") || entry.startsWith("tern-new-")) deleteTree(maildir.resolve(entry));
        }
        subscribed = subs;
        uses = found;
    }

    private void writeSubscriptions() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String name : subscribed) sb.append(name).append('\n');
        Directories.writeAtomically(maildir.resolve(SUBSCRIPTIONS), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
