package dev.tern.store;

import dev.tern.mail.Mailbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Maildir {@link MailStore} (https://cr.yp.to/proto/maildir.html; layout in {@code docs/maildir.md}).
 *
 * <p>A delivery writes {@code tmp/<unique>}, forces it to disk, renames it into {@code new/<unique>} and forces
 * {@code new/}, so the message is durable when {@link #deliver} returns and a reader never sees it half
 * written. {@code <unique>} is {@code <epochSeconds>.<deliveryId>.<hostname>}: the delivery id in the name is
 * what makes a repeated delivery recognizable. Thread-safe: concurrent deliveries have distinct delivery ids
 * (the {@link MailStore} contract), hence distinct files; concurrent deliveries into one mailbox share the
 * fsync of its {@code new/} ({@link DirectorySync}), which is what lets delivery keep pace with a burst.
 */
public final class MaildirStore implements MailStore, AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MaildirStore.class);
    private static final List<String> SUBDIRECTORIES = List.of("tmp", "new", "cur");
    // maildir.txt: a file left in tmp/ for 36 hours is an abandoned delivery and may be deleted.
    static final Duration STALE_TMP = Duration.ofHours(36);

    private final MaildirSettings settings;
    private final Clock clock;
    /**
     * The mailboxes known to exist (created or checked, and their tmp/ swept, once per process), each with the
     * group commit of its new/. One small entry per mailbox delivered to since start.
     */
    private final Map<Path, DirectorySync> prepared = new ConcurrentHashMap<>();
    /** The folder trees opened (by a reader, or by a delivery's check), one per mailbox. */
    private final Map<Path, MaildirFolders> accounts = new ConcurrentHashMap<>();
    private final NewMailWatch newMail = new NewMailWatch();

    public MaildirStore(MaildirSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** With a given clock, which only dates file names. */
    public MaildirStore(MaildirSettings settings, Clock clock) {
        if (settings == null || clock == null) throw new IllegalArgumentException("no settings or clock");
        this.settings = settings;
        this.clock = clock;
    }

    /** Opens (creating it if need be) a store at {@code root}, named after this machine. */
    public static MaildirStore open(Path root) throws IOException {
        MaildirSettings settings = MaildirSettings.of(root);
        Files.createDirectories(settings.root());
        return new MaildirStore(settings);
    }

    public Path root() {
        return settings.root();
    }

    /** The mailbox directory of {@code user}, which may not exist yet. */
    public Path directory(Mailbox user) {
        return MaildirNames.directory(settings.root(), user);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Creates the mailbox (and syncs its parents) on first delivery. Converts CRLF to LF. When
     * {@code checkExisting} is true, asks INBOX's index (and the delivery ids of {@code new/}, listed once per
     * process) whether this delivery id is there, and stores nothing if it is.
     *
     * @throws IllegalArgumentException when {@code deliveryId} is not 1 to 64 letters and digits (a bug)
     */
    @Override
    public void deliver(Mailbox user, String deliveryId, InputStream content, boolean checkExisting)
            throws IOException {
        MaildirNames.requireDeliveryId(deliveryId);
        Path maildir = directory(user);
        prepare(maildir);
        // An index lookup: INBOX's delivery ids, and those of new/ listed once per process (docs/store.md).
        if (checkExisting && account(maildir).inbox().hasDelivery(deliveryId)) return;
        write(maildir, deliveryId, content, checkExisting);
        MaildirFolders known = accounts.get(maildir);
        if (known != null) delivered(known.inbox(), deliveryId);
    }

    @Override
    public void deliver(Mailbox user, SpecialUse use, String deliveryId, InputStream content, boolean checkExisting)
            throws IOException {
        MaildirNames.requireDeliveryId(deliveryId);
        Path maildir = directory(user);
        prepare(maildir);
        MaildirFolders folders = account(maildir);
        folders.setUp();
        Optional<MaildirFolder> target = folders.withUse(use);
        if (target.isEmpty()) {
            deliver(user, deliveryId, content, checkExisting);
            return;
        }
        MaildirFolder folder = target.get();
        prepare(folder.directory());
        if (checkExisting && folder.hasDelivery(deliveryId)) return;
        write(folder.directory(), deliveryId, content, checkExisting);
        delivered(folder, deliveryId);
    }

    private static void delivered(MaildirFolder folder, String deliveryId) {
        try {
            folder.delivered(deliveryId); // wakes IDLE at once when the folder is watched
        } catch (IOException | RuntimeException e) {
            // Delivered and durable: the next snapshot or rescan gives it its UID; failing here would redeliver.
            log.warn("delivered {} but could not index it yet", deliveryId, e);
        }
    }

    /** Writes one message into {@code maildir}'s new/ (through tmp/, fsynced, renamed, directory synced). */
    private void write(Path maildir, String deliveryId, InputStream content, boolean checkExisting) throws IOException {
        String unique = MaildirNames.uniqueName(clock.instant().getEpochSecond(), deliveryId, settings.hostname());
        Path tmp = maildir.resolve("tmp").resolve(unique);
        // A retry after a crash may find its own half-written tmp file from the same second: it is ours (one
        // attempt per delivery id at a time), and never visible as a message, so it goes.
        if (checkExisting) Files.deleteIfExists(tmp);
        FileChannel file = create(maildir, tmp);
        try {
            CrlfSizeCounter counted = new CrlfSizeCounter(file);
            try (file) {
                CrlfToLf.copy(content, counted, new byte[CrlfToLf.BUFFER_SIZE]);
                file.force(true);
            }
            // The size readers see goes into the name (,W=), so indexing the file needs no read of it.
            Files.move(tmp, maildir.resolve("new").resolve(MaildirNames.withCrlfSize(unique, counted.crlfSize())),
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        prepare(maildir).sync(); // the rename is durable only once new/ itself is on disk; shared with concurrent deliveries
    }

    /**
     * {@inheritDoc}
     *
     * <p>Maildir++ with a per-folder index ({@code docs/store.md}). A new account (no {@code subscriptions} file)
     * gets INBOX plus the {@link SpecialUse#CREATED} folders.
     */
    @Override
    public Folders folders(Mailbox user) throws IOException {
        Path maildir = directory(user);
        prepare(maildir);
        MaildirFolders folders = account(maildir);
        folders.setUp();
        return folders;
    }

    /** Stops the thread that watches new/ of watched folders (started with the first watcher). */
    @Override
    public void close() throws IOException {
        newMail.close();
    }

    /** The folder tree of a mailbox directory: one object per mailbox and store, made without touching the disk. */
    private MaildirFolders account(Path maildir) {
        return accounts.computeIfAbsent(maildir,
                dir -> new MaildirFolders(dir, settings.hostname(), clock, newMail));
    }

    /**
     * The messages in {@code user}'s mailbox, {@code new/} and {@code cur/}, in name order (which is delivery
     * order to the second). Empty when the mailbox does not exist.
     */
    public List<StoredMessage> list(Mailbox user) throws IOException {
        Path maildir = directory(user);
        List<StoredMessage> messages = new ArrayList<>();
        for (String folder : List.of("new", "cur")) {
            for (Path path : entries(maildir.resolve(folder))) {
                String name = path.getFileName().toString();
                int info = name.indexOf(':');
                String unique = info < 0 ? name : name.substring(0, info);
                String flags = info >= 0 && name.startsWith(":2,", info) ? name.substring(info + 3) : "";
                messages.add(new StoredMessage(path, unique, flags));
            }
        }
        messages.sort(Comparator.comparing(StoredMessage::uniqueName));
        return List.copyOf(messages);
    }

    /** Creates the tmp/ file; CREATE_NEW: a leftover or concurrent file of the same name is an error. */
    private FileChannel create(Path maildir, Path tmp) throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            // The mailbox went away since it was prepared (removed by hand): make it again, once.
            prepared.remove(maildir);
            prepare(maildir);
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /**
     * Makes sure the mailbox exists, once per mailbox and process (a known mailbox costs no system call), and
     * returns the group commit of its {@code new/}.
     */
    private DirectorySync prepare(Path maildir) throws IOException {
        DirectorySync known = prepared.get(maildir);
        if (known != null) return known;
        if (SUBDIRECTORIES.stream().allMatch(sub -> Files.isDirectory(maildir.resolve(sub)))) {
            sweepTmp(maildir); // once per mailbox and process: cheap, and enough
        } else {
            for (String sub : SUBDIRECTORIES) Files.createDirectories(maildir.resolve(sub));
            // New directory entries must survive a crash as surely as the message renamed into them.
            DirectorySync.force(maildir);
            DirectorySync.force(maildir.getParent());
            DirectorySync.force(settings.root());
        }
        // Two first deliveries may both get here: both did the same idempotent work, and one sync object wins.
        return prepared.computeIfAbsent(maildir, dir -> new DirectorySync(dir.resolve("new")));
    }

    /**
     * Deletes what crashed deliveries left in {@code tmp/} more than 36 hours ago (maildir.txt). Younger files
     * may belong to a delivery under way, or to a retry that will replace them itself.
     */
    private void sweepTmp(Path maildir) throws IOException {
        Instant horizon = clock.instant().minus(STALE_TMP);
        for (Path file : entries(maildir.resolve("tmp"))) {
            try {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(horizon)) Files.deleteIfExists(file);
            } catch (NoSuchFileException e) {
                // Renamed or deleted meanwhile by its own delivery: nothing to sweep.
            }
        }
    }

    /** The files in a directory, skipping dot files (maildir.txt: readers ignore them); none if it is absent. */
    private static List<Path> entries(Path directory) throws IOException {
        return Directories.names(directory).stream().map(directory::resolve).toList();
    }
}
