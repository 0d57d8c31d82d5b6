package dev.tern.delivery.sts;

import dev.tern.mail.Domain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies fetched, per domain, in memory and (when given a directory) on disk, so that a restart keeps them
 * (RFC 8461 §5.1: a cached unexpired policy is used when the TXT lookup or the fetch fails). One file per domain,
 * {@code <domain>.policy}, version 1:
 * <pre>
 * tern-mta-sts 1
 * id: 20160831085700Z
 * fetched: 2026-12-02T04:50:00Z
 *
 * version: STSv1
 * mode: enforce
 * ...
 * </pre>
 * The policy body follows the blank line exactly as fetched. Written atomically (a temporary file, fsync, rename,
 * fsync of the directory); a file that does not parse is ignored (and replaced on the next fetch). Thread-safe: one
 * lock over the memory table, file I/O outside it.
 */
public final class StsCache {
    private static final Logger log = LoggerFactory.getLogger(StsCache.class);
    private static final String MAGIC = "tern-mta-sts 1";

    /** One cached policy: the TXT id it was fetched under, when, and the body as fetched. */
    public record Entry(String id, Instant fetched, StsPolicy policy, String body) {
        public Instant expires() {
            return fetched.plus(policy.maxAge());
        }

        public boolean fresh(Instant now) {
            return now.isBefore(expires());
        }
    }

    private final Optional<Path> directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Domain, Optional<Entry>> memory = new HashMap<>();

    public StsCache(Optional<Path> directory) {
        this.directory = directory;
    }

    /** The entry for {@code domain}: from memory, else from disk (once), expired or not. */
    public Optional<Entry> get(Domain domain) {
        lock.lock();
        try {
            Optional<Entry> known = memory.get(domain);
            if (known != null) return known;
        } finally {
            lock.unlock();
        }
        Optional<Entry> loaded = load(domain);
        lock.lock();
        try {
            return memory.computeIfAbsent(domain, d -> loaded);
        } finally {
            lock.unlock();
        }
    }

    /** Keeps {@code entry} for {@code domain}, in memory and on disk; a failed write is logged (memory still has it). */
    public void put(Domain domain, Entry entry) {
        lock.lock();
        try {
            memory.put(domain, Optional.of(entry));
        } finally {
            lock.unlock();
        }
        if (directory.isEmpty()) return;
        try {
            write(file(domain), MAGIC + "\nid: " + entry.id() + "\nfetched: " + entry.fetched() + "\n\n" + entry.body());
        } catch (IOException e) {
            log.warn("MTA-STS policy of {} not written to the cache: {}", domain, e.toString());
        }
    }

    private Optional<Entry> load(Domain domain) {
        if (directory.isEmpty()) return Optional.empty();
        Path file = file(domain);
        String text;
        try {
            if (Files.size(file) > StsSettings.MAX_POLICY_BYTES + 1024) return Optional.empty();
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("MTA-STS cache file {} unreadable: {}", file, e.toString());
            return Optional.empty();
        }
        Optional<Entry> entry = parse(text);
        if (entry.isEmpty()) log.warn("MTA-STS cache file {} is malformed; ignored", file);
        return entry;
    }

    /** Reads a cache file's text; empty when it is not a version 1 file with a valid policy. */
    static Optional<Entry> parse(String text) {
        String[] parts = text.split("\n\n", 2);
        if (parts.length != 2) return Optional.empty();
        String[] head = parts[0].split("\n", -1);
        if (head.length != 3 || !head[0].equals(MAGIC) || !head[1].startsWith("id: ") || !head[2].startsWith("fetched: ")) {
            return Optional.empty();
        }
        try {
            String id = head[1].substring(4);
            Instant fetched = Instant.parse(head[2].substring(9));
            if (StsPolicy.parse(parts[1]) instanceof StsPolicy.Parsed.Valid valid) {
                return Optional.of(new Entry(new StsRecord(id).id(), fetched, valid.policy(), parts[1]));
            }
            return Optional.empty();
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return Optional.empty(); // a damaged file: as if there were none
        }
    }

    private Path file(Domain domain) {
        // Domain names are LDH ASCII, so the name is a safe file name; literals never get here.
        return directory.orElseThrow().resolve(domain.name().toLowerCase(java.util.Locale.ROOT) + ".policy");
    }

    private static void write(Path file, String text) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".tmp-", ".policy");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) channel.write(bytes);
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            } catch (IOException e) {
                // Some file systems cannot sync a directory; the rename is still atomic, only its durability waits.
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
