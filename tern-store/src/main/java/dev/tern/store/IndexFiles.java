package dev.tern.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder's index on disk: {@code tern-index.log}, framed transactions appended and forced one commit at a time,
 * and {@code tern-index.snap}, the whole index written temp → fsync → rename → fsync directory when the log has
 * grown. Recovery reads the snapshot, replays the log transactions above the snapshot's mod-sequence and cuts the
 * log at its first bad frame. {@link MaildirFolder} writes and compacts under its commit lock; {@link #force} may run meanwhile
 * on the thread leading a {@link GroupCommit} round (FileChannel allows that).
 */
final class IndexFiles implements AutoCloseable {
    static final String LOG = "tern-index.log";
    static final String SNAPSHOT = "tern-index.snap";
    private static final String SNAPSHOT_TEMP = "tern-index.snap.tmp";
    /** Records per snapshot frame: frames stay a few hundred KiB however large the folder. */
    private static final int SNAPSHOT_FRAME = 4096;
    /** A log of fewer transactions than this is never compacted. */
    private static final int MIN_COMPACT = 1000;
    private static final Logger log = LoggerFactory.getLogger(IndexFiles.class);

    private final Path directory;
    private FileChannel channel;
    private long transactions; // in the log since the last snapshot
    private volatile boolean broken; // a failed write could not be cut off, or an fsync failed: no more appends

    private IndexFiles(Path directory, FileChannel channel, long transactions) {
        this.directory = directory;
        this.channel = channel;
        this.transactions = transactions;
    }

    /** What loading found: the index, and the files of expunges in the replayed log (to unlink if still there). */
    record Loaded(IndexFiles files, FolderIndex index, List<FolderIndex.Entry> expunged) {}

    /** Loads the index of the folder at {@code directory}; empty when there is none or it is unreadable. */
    static Optional<Loaded> load(Path directory, boolean tracksDeliveries) throws IOException {
        Path logFile = directory.resolve(LOG);
        byte[] snapBytes = readIfPresent(directory.resolve(SNAPSHOT));
        byte[] logBytes = readIfPresent(logFile);
        if (snapBytes == null && logBytes == null) return Optional.empty();
        FolderIndex index = null;
        long covered = 0;
        if (snapBytes != null) {
            index = fromSnapshot(IndexCodec.decode(snapBytes), tracksDeliveries);
            if (index == null) {
                log.warn("index snapshot of {} is damaged: rebuilding the folder's index", directory);
                return Optional.empty();
            }
            covered = index.highestModSeq();
        }
        IndexCodec.Decoded decoded = IndexCodec.decode(logBytes == null ? new byte[0] : logBytes);
        List<FolderIndex.Entry> expunged = new ArrayList<>();
        long replayed = 0;
        for (List<IndexRecord> transaction : decoded.transactions()) {
            if (index == null) {
                if (!(transaction.getFirst() instanceof IndexRecord.Init init)) break;
                index = new FolderIndex(init.uidValidity(), tracksDeliveries);
            }
            if (modSeq(transaction) <= covered) continue; // already in the snapshot
            for (IndexRecord record : transaction) expunged.addAll(index.apply(record));
            replayed++;
        }
        if (index == null) {
            log.warn("index log of {} has no valid start: rebuilding the folder's index", directory);
            return Optional.empty();
        }
        FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long length = logBytes == null ? 0 : logBytes.length;
        if (decoded.validLength() < length) {
            log.warn("index log of {}: cut a torn tail of {} octets", directory, length - decoded.validLength());
            channel.truncate(decoded.validLength());
            channel.force(false);
        }
        channel.position(decoded.validLength());
        return Optional.of(new Loaded(new IndexFiles(directory, channel, replayed), index, expunged));
    }

    /** Starts a new index (a new folder, or one whose index was lost): a log holding only Init. */
    static IndexFiles create(Path directory, long uidValidity) throws IOException {
        Files.deleteIfExists(directory.resolve(SNAPSHOT));
        FileChannel channel = FileChannel.open(directory.resolve(LOG), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        IndexFiles files = new IndexFiles(directory, channel, 0);
        files.append(List.of(new IndexRecord.Init(uidValidity)));
        DirectorySync.force(directory);
        return files;
    }

    /** Appends one transaction and forces it to disk: when this returns, the transaction survives a crash. */
    void append(List<? extends IndexRecord> transaction) throws IOException {
        write(transaction);
        force();
    }

    /**
     * Appends one transaction's frame without forcing it ({@link GroupCommit} forces many at once). A failed
     * write is cut off again, so the next frame follows the last good one; if even that fails, the log refuses
     * further writes.
     */
    void write(List<? extends IndexRecord> transaction) throws IOException {
        if (broken) throw new IOException("the index log of " + directory + " failed earlier; reopen the store");
        ByteBuffer frame = ByteBuffer.wrap(IndexCodec.frame(transaction));
        long start = channel.position();
        try {
            while (frame.hasRemaining()) channel.write(frame);
        } catch (IOException e) {
            // A half-written frame must not stay in front of the next one: recovery stops at the first bad frame.
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException cut) {
                e.addSuppressed(cut);
                broken = true;
            }
            throw e;
        }
        transactions++;
    }

    /**
     * Forces every frame written so far. A failed fsync leaves unknown what reached the disk (and Linux may have
     * dropped the dirty pages), so the log then refuses further writes until the store is reopened, whose
     * recovery checks every frame's CRC.
     */
    void force() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    /** True when the log is long enough, against the folder's size, that a snapshot should replace it. */
    boolean wantsCompaction(int liveMessages) {
        return transactions >= Math.max(MIN_COMPACT, liveMessages / 4);
    }

    /**
     * Writes {@code index} as the snapshot and empties the log. A crash at any point leaves a snapshot and a log
     * that load into the same index: the log's transactions are at or below the new snapshot's mod-sequence.
     */
    void compact(FolderIndex index) throws IOException {
        Path temp = directory.resolve(SNAPSHOT_TEMP);
        List<IndexRecord> records = index.snapshotRecords();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < records.size(); i += SNAPSHOT_FRAME) {
                ByteBuffer frame = ByteBuffer.wrap(
                        IndexCodec.frame(records.subList(i, Math.min(records.size(), i + SNAPSHOT_FRAME))));
                while (frame.hasRemaining()) out.write(frame);
            }
            out.force(true);
        }
        Files.move(temp, directory.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        DirectorySync.force(directory);
        channel.truncate(0);
        channel.position(0);
        channel.force(false);
        transactions = 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static FolderIndex fromSnapshot(IndexCodec.Decoded decoded, boolean tracksDeliveries) {
        List<IndexRecord> records = new ArrayList<>();
        for (List<IndexRecord> frame : decoded.transactions()) records.addAll(frame);
        if (records.size() < 2 || !(records.getFirst() instanceof IndexRecord.State state)
                || !(records.getLast() instanceof IndexRecord.End end) || end.records() != records.size() - 1) {
            return null;
        }
        FolderIndex index = new FolderIndex(state.uidValidity(), tracksDeliveries);
        for (IndexRecord record : records) index.apply(record);
        return index;
    }

    /** A transaction's mod-sequence: that of its records (one per commit); 0 for Init. */
    static long modSeq(List<IndexRecord> transaction) {
        long modSeq = 0;
        for (IndexRecord record : transaction) {
            modSeq = Math.max(modSeq, switch (record) {
                case IndexRecord.Append r -> r.modSeq();
                case IndexRecord.Flags r -> r.modSeq();
                case IndexRecord.Expunge r -> r.modSeq();
                case IndexRecord.State r -> r.highestModSeq();
                case IndexRecord.Init r -> 0L;
                case IndexRecord.End r -> 0L;
            });
        }
        return modSeq;
    }

    private static byte[] readIfPresent(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
