package dev.tern.app.sendmail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The directory {@code <data>/maildrop/} (mode 1733, as Postfix's) where {@code tern sendmail} leaves a message
 * when no server answers; the server picks it up at start and every few seconds ({@link SubmitServer#pickUp()}).
 * A file holds what the submission socket would have been sent: the envelope line, then the message. The file's
 * owner is the submitter's identity.
 */
public final class Maildrop {
    static final String SUFFIX = ".msg";

    private Maildrop() {}

    /** The maildrop of the server with this data directory. */
    public static Path directory(Path dataDirectory) {
        return dataDirectory.resolve("maildrop");
    }

    /**
     * Leaves one submission in the maildrop: written to a temporary name, fsynced, renamed, the directory fsynced,
     * so the server sees either the whole file or none. Its file name.
     */
    static Path drop(Path dataDirectory, byte[] envelopeLine, byte[] message) throws IOException {
        Path directory = directory(dataDirectory);
        String name = UUID.randomUUID().toString();
        Path temporary = directory.resolve("." + name + ".tmp");
        Path file = directory.resolve(name + SUFFIX);
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Readable by the server's user (the directory's mode hides the unguessable name from everyone else).
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            writeAll(out, envelopeLine);
            writeAll(out, new byte[] {'\n'});
            writeAll(out, message);
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        dev.tern.app.DurableFiles.syncDirectory(directory);
        return file;
    }

    private static void writeAll(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) out.write(buffer);
    }
}
