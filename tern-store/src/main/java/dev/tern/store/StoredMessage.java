package dev.tern.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A message file in a Maildir, as a reader sees it.
 *
 * @param path       the file, in {@code new/} or {@code cur/}
 * @param uniqueName the file name without its info ({@code :2,...}) suffix; stable across flag changes
 * @param flags      the maildir.txt flags ({@code S}een, {@code R}eplied, ...), empty in {@code new/}
 */
public record StoredMessage(Path path, String uniqueName, String flags) {
    public StoredMessage {
        if (path == null || uniqueName == null || uniqueName.isEmpty() || flags == null) {
            throw new IllegalArgumentException("incomplete stored message");
        }
    }

    /** True while the message is in {@code new/}: delivered, not yet seen by any reader. */
    public boolean isNew() {
        return path.getParent().getFileName().toString().equals("new");
    }

    /** The Tern delivery id embedded in the name ({@code <seconds>.<deliveryId>.<host>}), if Tern wrote it. */
    public Optional<String> deliveryId() {
        return MaildirNames.deliveryId(uniqueName);
    }
}
