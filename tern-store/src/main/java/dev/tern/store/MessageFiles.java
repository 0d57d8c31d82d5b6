package dev.tern.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** The message files of one Maildir folder (tmp/, new/, cur/): writing, finding and measuring them. */
final class MessageFiles {
    final Path folder;
    final Path tmp;
    final Path cur;
    final Path incoming;

    MessageFiles(Path folder) {
        this.folder = folder;
        this.tmp = folder.resolve("tmp");
        this.cur = folder.resolve("cur");
        this.incoming = folder.resolve("new");
    }

    /** A file written into cur/: its name and CRLF size. */
    record Written(String file, long size) {}

    /**
     * Writes CRLF {@code content} as {@code cur/<file>} through {@code tmp/} (CRLF to LF, forced, renamed); the
     * caller forces cur/ before recording it.
     */
    Written write(InputStream content, String unique, String file, Instant internalDate) throws IOException {
        Path temp = tmp.resolve(unique);
        long size;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                CrlfSizeCounter counter = new CrlfSizeCounter(channel);
                CrlfToLf.copy(content, counter, new byte[CrlfToLf.BUFFER_SIZE]);
                size = counter.crlfSize();
                channel.force(true);
            }
            Files.setLastModifiedTime(temp, FileTime.from(internalDate)); // Dovecot's received date; kept by a rebuild
            Files.move(temp, cur.resolve(file), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new Written(file, size);
    }

    /** Where a recorded message's file is: cur/ under its recorded name, else new/ (not yet renamed). */
    Optional<Path> locate(FolderIndex.Entry entry) throws IOException {
        Path inCur = cur.resolve(entry.file());
        if (Files.exists(inCur)) return Optional.of(inCur);
        Path inNew = incoming.resolve(entry.basename());
        if (Files.exists(inNew)) return Optional.of(inNew);
        // Renamed by another program (a flag change in mutt): one listing, only on this rare path.
        String prefix = entry.basename() + ":";
        for (String name : Directories.names(cur)) if (name.startsWith(prefix)) return Optional.of(cur.resolve(name));
        return Optional.empty();
    }

    /** Opens a message file as CRLF content. */
    static InputStream openCrlf(Path file) throws IOException {
        return new LfToCrlf(Files.newInputStream(file));
    }

    static long crlfSize(Path file) throws IOException {
        OptionalLong named = MaildirNames.crlfSize(file.getFileName().toString());
        if (named.isPresent()) return named.getAsLong(); // written by the delivery that made the file
        try (InputStream in = Files.newInputStream(file)) {
            return LfToCrlf.crlfSize(in);
        }
    }

    /**
     * Removes the files of messages expunged before a crash (recovery): each where it should be, and those not
     * there (usually already gone) looked up in one listing of cur/ for them all, not one listing each.
     */
    void unlinkAll(List<FolderIndex.Entry> entries) throws IOException {
        Set<String> missing = new HashSet<>();
        for (FolderIndex.Entry entry : entries) {
            if (!Files.deleteIfExists(cur.resolve(entry.file())) && !Files.deleteIfExists(incoming.resolve(entry.basename()))) {
                missing.add(entry.basename());
            }
        }
        if (missing.isEmpty()) return;
        for (String name : Directories.names(cur)) {
            int info = name.indexOf(':');
            if (missing.contains(info < 0 ? name : name.substring(0, info))) Files.deleteIfExists(cur.resolve(name));
        }
    }

    /** Removes a message's file, wherever it is; nothing when it is already gone. */
    void unlink(FolderIndex.Entry entry) throws IOException {
        if (!Files.deleteIfExists(cur.resolve(entry.file()))) {
            if (!Files.deleteIfExists(incoming.resolve(entry.basename()))) {
                String prefix = entry.basename() + ":";
                for (String name : Directories.names(cur)) if (name.startsWith(prefix)) Files.deleteIfExists(cur.resolve(name));
            }
        }
    }


    static void ignoreMissing(Path file) throws IOException {
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            // Already gone: what we wanted.
        }
    }
}
