package dev.tern.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parsed MIME structures of one folder's messages: in memory, least recently used first out and bounded by an
 * estimate of their size, over a disposable file, {@code tern-index.cache}, where every structure parsed is
 * appended ({@code docs/store.md}). A message's content never changes under one UIDVALIDITY, so an entry never
 * goes stale; the file is never forced: whatever a crash or a bad disk leaves of it that does not pass its CRC
 * is cut off, and those messages are parsed again.
 *
 * <p>File: frames as in the index ({@link IndexCodec}: length, CRC32C, payload). The first payload is the
 * header, {@code "TSC1" | uidValidity (i64)}; a file with another header (a rebuilt index has a new
 * UIDVALIDITY, so old UIDs mean other messages) is started again. Every other payload is
 * {@code uid (i64) | structure} ({@link StructureCodec}). The file is read once, at the first call after the
 * folder's index was loaded: one sequential read, keeping uid → position. Entries of UIDs no longer in the folder
 * are dead; when they outnumber the live ones (and are at least {@link #MIN_COMPACT}), the file is rewritten with
 * the live ones (temp, rename).
 *
 * <p>Thread-safe: one lock, held during the file's I/O (a read of one entry, or one append).
 */
final class StructureCache implements AutoCloseable {
    static final String FILE = "tern-index.cache";
    private static final String TEMP = "tern-index.cache.tmp";
    /** What the decoded structures held in memory may take, estimated, per folder. */
    static final long MEMORY_BYTES = 24L * 1024 * 1024;
    /** Decoded objects take about this many times their encoded octets. */
    private static final int OBJECT_FACTOR = 4;
    static final int MIN_COMPACT = 1000;
    private static final byte[] MAGIC = {'T', 'S', 'C', '1'};
    private static final Logger log = LoggerFactory.getLogger(StructureCache.class);

    private record Held(MessageStructure structure, long bytes) {}

    private final Path directory;
    private final long uidValidity;
    private final LongPredicate live;
    private final long memoryBytes;
    private final LinkedHashMap<Long, Held> memory = new LinkedHashMap<>(256, 0.75f, true);
    private long held; // estimated bytes in memory
    private Map<Long, Long> positions; // uid → frame position in the file; null until the file is read
    private FileChannel channel; // null when the file could not be opened: memory only
    private long end; // where the next frame goes
    private long dead; // frames in the file of UIDs gone or written twice
    private boolean closed;

    /**
     * @param live whether a UID is still in the folder (asked when the file is read, to count the dead entries)
     */
    StructureCache(Path directory, long uidValidity, LongPredicate live) {
        this(directory, uidValidity, live, MEMORY_BYTES);
    }

    StructureCache(Path directory, long uidValidity, LongPredicate live, long memoryBytes) {
        this.directory = directory;
        this.uidValidity = uidValidity;
        this.live = live;
        this.memoryBytes = memoryBytes;
    }

    /** The structure of {@code uid}, from memory or the file; empty when it was never parsed (or was lost). */
    synchronized Optional<MessageStructure> get(long uid) {
        Held found = memory.get(uid);
        if (found != null) return Optional.of(found.structure());
        open();
        Long position = positions.get(uid);
        if (position == null || channel == null) return Optional.empty();
        try {
            ByteBuffer header = ByteBuffer.allocate(IndexCodec.HEADER);
            readFully(header, position);
            int length = header.getInt(0);
            int crc = header.getInt(4);
            if (length < 8 || length > IndexCodec.MAX_PAYLOAD || position + IndexCodec.HEADER + length > end) {
                throw new IllegalArgumentException("bad frame");
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, position + IndexCodec.HEADER);
            CRC32C check = new CRC32C();
            check.update(payload.array(), 0, length);
            if ((int) check.getValue() != crc || payload.getLong(0) != uid) throw new IllegalArgumentException("bad entry");
            MessageStructure structure = StructureCodec.decode(payload.slice(8, length - 8));
            remember(uid, structure, length - 8);
            return Optional.of(structure);
        } catch (IOException | RuntimeException e) {
            // The file changed under us (a bad disk, another program): parse again, and say so once per entry.
            log.warn("structure cache of {}: entry of uid {} unreadable, parsing again", directory, uid, e);
            positions.remove(uid);
            dead++;
            return Optional.empty();
        }
    }

    /** Keeps a structure just parsed, in memory and (once per UID) at the end of the file. */
    synchronized void put(long uid, MessageStructure structure) {
        byte[] encoded = StructureCodec.encode(structure);
        remember(uid, structure, encoded.length);
        open();
        if (channel == null || positions.containsKey(uid)) return;
        byte[] frame = frame(uid, encoded);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(frame);
            long at = end;
            while (buffer.hasRemaining()) at += channel.write(buffer, at);
            positions.put(uid, end);
            end = at;
        } catch (IOException e) {
            // Disposable: without the file, structures are parsed again in the next process.
            log.warn("structure cache of {}: cannot append, keeping structures in memory only", directory, e);
            closeChannel();
        }
    }

    /** Forgets an expunged message; rewrites the file when dead entries outnumber live ones. */
    synchronized void remove(long uid) {
        Held gone = memory.remove(uid);
        if (gone != null) held -= gone.bytes();
        if (positions != null && positions.remove(uid) != null) {
            dead++;
            compactIfWorth();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeChannel();
        memory.clear();
        held = 0;
    }

    /** How many entries the file holds for live UIDs (tests). */
    synchronized int entriesOnDisk() {
        open();
        return positions.size();
    }

    private void remember(long uid, MessageStructure structure, long encodedBytes) {
        long bytes = encodedBytes * OBJECT_FACTOR + 64;
        Held previous = memory.put(uid, new Held(structure, bytes));
        if (previous != null) held -= previous.bytes();
        held += bytes;
        var eldest = memory.entrySet().iterator();
        while (held > memoryBytes && eldest.hasNext()) {
            Held out = eldest.next().getValue();
            if (memory.size() == 1) break; // the one just added stays, however large
            held -= out.bytes();
            eldest.remove();
        }
    }

    /** Reads the file once: its header, then each frame's UID and position, cutting off a bad tail. */
    private void open() {
        if (positions != null) return;
        positions = new HashMap<>();
        if (closed) return;
        Path file = directory.resolve(FILE);
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long valid = scan(channel);
            if (valid < 0) {
                // Absent, empty, another UIDVALIDITY's or unreadable from its first frame: start again.
                channel.truncate(0);
                byte[] header = ByteBuffer.allocate(12).put(MAGIC).putLong(uidValidity).array();
                ByteBuffer frame = ByteBuffer.wrap(IndexCodec.frame(header));
                end = 0;
                while (frame.hasRemaining()) end += channel.write(frame, end);
                positions.clear();
                dead = 0;
            } else {
                if (valid < channel.size()) {
                    log.info("structure cache of {}: cut a bad tail of {} octets", directory, channel.size() - valid);
                    channel.truncate(valid);
                }
                end = valid;
                compactIfWorth();
            }
        } catch (IOException e) {
            log.warn("structure cache of {} unusable: keeping structures in memory only", directory, e);
            positions.clear();
            closeChannel();
        }
    }

    /** Fills {@link #positions}; returns where the valid frames end, or -1 when the header is not ours. */
    private long scan(FileChannel file) throws IOException {
        InputStream stream = new BufferedInputStream(Channels.newInputStream(file.position(0)), 256 * 1024);
        DataInputStream in = new DataInputStream(stream);
        long position = 0;
        byte[] payload = new byte[4096];
        boolean first = true;
        while (true) {
            int length;
            int crc;
            try {
                length = in.readInt();
                crc = in.readInt();
            } catch (EOFException e) {
                break;
            }
            if (length < 8 || length > IndexCodec.MAX_PAYLOAD) break;
            if (payload.length < length) payload = new byte[Math.max(length, payload.length * 2)];
            try {
                in.readFully(payload, 0, length);
            } catch (EOFException e) {
                break;
            }
            CRC32C check = new CRC32C();
            check.update(payload, 0, length);
            if ((int) check.getValue() != crc) break;
            ByteBuffer fields = ByteBuffer.wrap(payload, 0, length);
            if (first) {
                byte[] magic = new byte[MAGIC.length];
                fields.get(magic);
                if (length != 12 || !java.util.Arrays.equals(magic, MAGIC) || fields.getLong() != uidValidity) return -1;
                first = false;
            } else {
                long uid = fields.getLong();
                if (live.test(uid) && positions.put(uid, position) == null) {
                    preload(uid, payload, length);
                } else {
                    dead++;
                }
            }
            position += IndexCodec.HEADER + length;
        }
        return first ? -1 : position;
    }

    /**
     * Decodes an entry met while reading the file into memory, while the budget allows: a FETCH of every
     * ENVELOPE after a restart then costs this one sequential read, not a read per message.
     */
    private void preload(long uid, byte[] payload, int length) {
        long bytes = (length - 8L) * OBJECT_FACTOR + 64;
        if (held + bytes > memoryBytes) return;
        try {
            MessageStructure structure = StructureCodec.decode(ByteBuffer.wrap(payload, 8, length - 8).slice());
            memory.put(uid, new Held(structure, bytes));
            held += bytes;
        } catch (RuntimeException e) {
            // A CRC-valid entry that does not decode (a bug, or a future format): read again on demand, then parsed.
            log.debug("structure cache of {}: entry of uid {} does not decode", directory, uid, e);
        }
    }

    private void compactIfWorth() {
        if (channel == null || dead < MIN_COMPACT || dead <= positions.size()) return;
        Path temp = directory.resolve(TEMP);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.wrap(IndexCodec.frame(ByteBuffer.allocate(12).put(MAGIC).putLong(uidValidity).array()));
            long at = 0;
            while (header.hasRemaining()) at += out.write(header, at);
            Map<Long, Long> moved = new HashMap<>(positions.size() * 2);
            List<Long> uids = new ArrayList<>(positions.keySet());
            uids.sort(null);
            for (long uid : uids) {
                long from = positions.get(uid);
                ByteBuffer lengthField = ByteBuffer.allocate(4);
                readFully(lengthField, from);
                int length = lengthField.getInt(0);
                ByteBuffer frame = ByteBuffer.allocate(IndexCodec.HEADER + length);
                readFully(frame, from);
                frame.flip();
                moved.put(uid, at);
                while (frame.hasRemaining()) at += out.write(frame, at);
            }
            Files.move(temp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            closeChannel();
            channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
            positions = moved;
            end = at;
            dead = 0;
        } catch (IOException | RuntimeException e) {
            log.warn("structure cache of {}: compaction failed, keeping the file as it is", directory, e);
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                log.debug("structure cache of {}: temp file left", directory, cleanup); // removed by the next compaction
            }
            dead = 0; // do not retry on every expunge; the next process counts again
        }
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) throw new EOFException("structure cache ends early");
            at += n;
        }
    }

    private static byte[] frame(long uid, byte[] encoded) {
        return IndexCodec.frame(ByteBuffer.allocate(8 + encoded.length).putLong(uid).put(encoded).array());
    }

    private void closeChannel() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("structure cache of {}: close failed", directory, e); // never forced: nothing to lose
        }
        channel = null;
    }
}
