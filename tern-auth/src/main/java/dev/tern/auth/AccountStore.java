package dev.tern.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts, kept in {@code <data>/accounts} (format: {@link AccountFile}, docs/accounts.md).
 *
 * <p>Lookups read an in-memory snapshot. At most once per {@link AuthSettings#reloadInterval()} a lookup stats
 * the file, and when its size, modification time or file key (inode) changed, reads it again, so changes made
 * by {@code tern user …} in another process take effect without a restart. A file that no longer parses is
 * reported once (WARN) and the last good accounts stay in use; a missing file means no accounts.
 *
 * <p>Changes re-read the file under an exclusive lock on {@code <data>/accounts.lock} (so two concurrent
 * {@code tern user} commands do not lose each other's change), then replace it atomically: write
 * {@code accounts.tmp} with mode 600, fsync, rename over {@code accounts}, fsync the directory. The expensive
 * hashing happens before the lock is taken. Thread-safe.
 */
public final class AccountStore {
    public static final String FILE_NAME = "accounts";
    private static final Logger log = LoggerFactory.getLogger(AccountStore.class);

    private final Path directory;
    private final Path file;
    private final AuthSettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    // FileChannel.lock is held per process, and a second lock on the same file from this process throws:
    // every store in the process takes this lock first. Changes are rare; one lock for all is enough.
    private static final ReentrantLock WRITER = new ReentrantLock();
    private final AtomicReference<Snapshot> snapshot;
    private volatile long checkedAtMillis;

    private record Stamp(long size, FileTime modified, Object fileKey) {
        static final Stamp ABSENT = new Stamp(-1, FileTime.fromMillis(0), "absent");
    }

    private record Snapshot(Stamp stamp, Map<String, Account> accounts) {}

    private AccountStore(Path directory, AuthSettings settings, Clock clock, Snapshot initial) {
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
        this.settings = settings;
        this.clock = clock;
        this.snapshot = new AtomicReference<>(initial);
        this.checkedAtMillis = clock.millis();
    }

    /** Opens the accounts under {@code dataDirectory} with the default settings. */
    public static AccountStore open(Path dataDirectory) throws IOException {
        return open(dataDirectory, AuthSettings.defaults(), Clock.systemUTC());
    }

    /**
     * Opens the accounts under {@code dataDirectory}; the file need not exist yet.
     *
     * @throws AccountFileException when the file exists but is not valid
     */
    public static AccountStore open(Path dataDirectory, AuthSettings settings, Clock clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        return new AccountStore(dataDirectory, settings, clock, read(dataDirectory.resolve(FILE_NAME)));
    }

    public Path file() {
        return file;
    }

    public AuthSettings settings() {
        return settings;
    }

    /** The account called {@code username} (any case, U-labels allowed), or empty. */
    public Optional<Account> find(String username) {
        return Usernames.canonical(username).map(current().accounts()::get);
    }

    /** All accounts, by username. */
    public List<Account> list() {
        return List.copyOf(current().accounts().values());
    }

    /** Adds an account; refused when the username is invalid or taken or the password too weak. */
    public AccountChange add(String username, String password) throws IOException {
        Optional<String> canonical = Usernames.canonical(username);
        if (canonical.isEmpty()) return invalidUsername();
        Optional<String> weakness = Passwords.weakness(password);
        if (weakness.isPresent()) return new AccountChange.Refused(weakness.get());
        Account account = credentials(canonical.get(), password);
        return change(accounts -> {
            if (accounts.containsKey(account.username())) {
                return new AccountChange.Refused("account " + account.username() + " exists");
            }
            accounts.put(account.username(), account);
            return new AccountChange.Done(account);
        });
    }

    /** Sets a new password (new salts for both the hash and the SCRAM keys); refused for an unknown account. */
    public AccountChange passwd(String username, String password) throws IOException {
        Optional<String> canonical = Usernames.canonical(username);
        if (canonical.isEmpty()) return invalidUsername();
        Optional<String> weakness = Passwords.weakness(password);
        if (weakness.isPresent()) return new AccountChange.Refused(weakness.get());
        Account account = credentials(canonical.get(), password);
        return change(accounts -> accounts.replace(account.username(), account) == null
                ? noSuchAccount(account.username())
                : new AccountChange.Done(account));
    }

    /** Deletes an account; refused for an unknown account. */
    public AccountChange delete(String username) throws IOException {
        Optional<String> canonical = Usernames.canonical(username);
        if (canonical.isEmpty()) return invalidUsername();
        return change(accounts -> {
            Account removed = accounts.remove(canonical.get());
            return removed == null ? noSuchAccount(canonical.get()) : new AccountChange.Done(removed);
        });
    }

    private Account credentials(String username, String password) {
        return new Account(username, PasswordHash.create(password, settings.passwordCost(), random),
                ScramKeys.create(password, settings.scramIterations(), random));
    }

    private static AccountChange invalidUsername() {
        return new AccountChange.Refused("username must be an email address such as alice@example.com");
    }

    private static AccountChange noSuchAccount(String username) {
        return new AccountChange.Refused("no account " + username);
    }

    private AccountChange change(Function<Map<String, Account>, AccountChange> edit) throws IOException {
        Files.createDirectories(directory);
        WRITER.lock();
        try (FileChannel lockChannel = FileChannel.open(directory.resolve(FILE_NAME + ".lock"),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly())) {
            lockChannel.lock(); // released when the channel closes
            Snapshot current = read(file);
            TreeMap<String, Account> accounts = new TreeMap<>(current.accounts());
            AccountChange result = edit.apply(accounts);
            if (result instanceof AccountChange.Done) {
                write(AccountFile.format(accounts.values()));
                snapshot.set(new Snapshot(stamp(file), Collections.unmodifiableSortedMap(accounts)));
            }
            return result;
        } finally {
            WRITER.unlock();
        }
    }

    private void write(String text) throws IOException {
        Path tmp = directory.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp); // a leftover of a crashed change; we hold the lock, so it is no one's
        try (FileChannel channel = FileChannel.open(tmp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly())) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) channel.write(bytes);
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private Snapshot current() {
        long now = clock.millis();
        Snapshot current = snapshot.get();
        if (now - checkedAtMillis < settings.reloadInterval().toMillis()) return current;
        checkedAtMillis = now;
        Stamp stamp;
        try {
            stamp = stamp(file);
        } catch (IOException e) {
            log.warn("accounts: cannot stat {}: {}; keeping {} accounts", file, e.toString(), current.accounts().size());
            return current;
        }
        if (stamp.equals(current.stamp())) return current;
        Snapshot next;
        try {
            next = read(file);
            log.info("accounts: reloaded {} accounts from {}", next.accounts().size(), file);
        } catch (IOException e) {
            // Remember the bad file's stamp so the warning is logged once per change, not once per lookup.
            log.warn("accounts: {} not reloaded ({}); keeping {} accounts", file, e.getMessage(), current.accounts().size());
            next = new Snapshot(stamp, current.accounts());
        }
        // Another thread may have reloaded meanwhile; either result is a whole, valid snapshot.
        snapshot.compareAndSet(current, next);
        return snapshot.get();
    }

    private static Snapshot read(Path file) throws IOException {
        Stamp stamp = stamp(file);
        if (stamp == Stamp.ABSENT) return new Snapshot(stamp, Map.of());
        warnIfReadableByOthers(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Snapshot(Stamp.ABSENT, Map.of());
        }
        return new Snapshot(stamp, Collections.unmodifiableSortedMap(AccountFile.parse(text)));
    }

    private static Stamp stamp(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey() == null ? "none" : a.fileKey());
        } catch (NoSuchFileException e) {
            return Stamp.ABSENT;
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] ownerOnly() {
        return posix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        if (!posix()) return;
        var permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            log.warn("accounts: {} is readable by other users; chmod 600 it", file);
        }
    }
}
