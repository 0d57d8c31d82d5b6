package dev.tern.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Every directory listing of the store goes through here, so tests can count what a path costs. */
final class Directories {
    /** Entries read by all listings of this process (tests: "this check lists nothing"). */
    static final LongAdder ENTRIES_READ = new LongAdder();

    private Directories() {}

    /** The file names in a directory, skipping dot files (maildir.txt: readers ignore them); none if absent. */
    static List<String> names(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                ENTRIES_READ.increment();
                String name = path.getFileName().toString();
                if (!name.startsWith(".")) names.add(name);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return names;
    }

    /** Every entry name, dot files included (a Maildir++ root lists its folders as dot directories). */
    static List<String> all(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                ENTRIES_READ.increment();
                names.add(path.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return names;
    }

    /** Writes {@code content} to {@code file} atomically and durably: temp, fsync, rename, fsync directory. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            var buffer = java.nio.ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(true);
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        DirectorySync.force(file.getParent());
    }
}
