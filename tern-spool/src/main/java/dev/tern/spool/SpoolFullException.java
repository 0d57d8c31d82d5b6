package dev.tern.spool;

import java.io.IOException;
import java.nio.file.FileSystemException;

/** The spool's file system has no room: a temporary condition (452 4.3.1, RFC 3463). */
public final class SpoolFullException extends IOException {
    public SpoolFullException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code failure} as a SpoolFullException when it is the file system's ENOSPC (or EDQUOT), else itself.
     * The JDK has no distinct type for them; the operating system's message is all it reports.
     */
    static IOException ifNoSpace(IOException failure) {
        if (failure instanceof SpoolFullException) return failure;
        String text = failure instanceof FileSystemException fs ? fs.getReason() : failure.getMessage();
        if (text == null) text = failure.getMessage();
        if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
            return new SpoolFullException("spool file system is full", failure);
        }
        return failure;
    }
}
