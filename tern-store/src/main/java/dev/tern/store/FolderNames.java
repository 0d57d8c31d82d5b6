package dev.tern.store;

import dev.tern.mail.ModifiedUtf7;
import java.util.Optional;

/**
 * Folder names: which are valid, and how Maildir++ writes them on disk. Folder {@code A.B} is the directory
 * {@code .A.B} beside INBOX's tmp/new/cur, each level in modified UTF-7 (RFC 3501 §5.1.3), as Dovecot writes
 * them, so the same tree reads the same in Dovecot or mutt.
 */
final class FolderNames {
    static final int MAX_LENGTH = 200;

    private FolderNames() {}

    /**
     * The canonical form of {@code name} (INBOX, or a first level "inbox" in any case, written {@code INBOX}), or
     * empty when it cannot be a folder: empty levels, a leading or trailing separator, {@code /}, controls.
     */
    static Optional<String> canonical(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) return Optional.empty();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '*' || c == '%') return Optional.empty();
        }
        String[] levels = name.split("\\.", -1);
        for (String level : levels) if (level.isEmpty()) return Optional.empty();
        if (levels[0].equalsIgnoreCase(Folders.INBOX)) return Optional.of(Folders.INBOX + name.substring(5));
        return Optional.of(name);
    }

    static boolean isInbox(String canonical) {
        return canonical.equals(Folders.INBOX);
    }

    /** The directory name of a canonical folder other than INBOX: {@code .} and each level encoded. */
    static String directory(String canonical) {
        StringBuilder sb = new StringBuilder(".");
        String[] levels = canonical.split("\\.");
        for (int i = 0; i < levels.length; i++) {
            if (i > 0) sb.append('.');
            sb.append(encode(levels[i]));
        }
        return sb.toString();
    }

    /** The folder a Maildir++ directory name stands for, or empty when it is not one. */
    static Optional<String> fromDirectory(String directory) {
        if (directory.length() < 2 || directory.charAt(0) != '.' || directory.equals("..")) return Optional.empty();
        String[] levels = directory.substring(1).split("\\.", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < levels.length; i++) {
            Optional<String> level = decode(levels[i]);
            if (level.isEmpty()) return Optional.empty();
            if (i > 0) sb.append('.');
            sb.append(level.get());
        }
        String name = sb.toString();
        // ".inbox" or ".INBOX" would shadow INBOX itself; other spellings of a first level "inbox" are not ours.
        return canonical(name).filter(c -> c.equals(name) && !isInbox(c));
    }

    /** Modified UTF-7 (RFC 3501 §5.1.3), as Dovecot names Maildir++ directories. */
    static String encode(String level) {
        return ModifiedUtf7.encode(level);
    }

    /** The inverse of {@link #encode}; empty for what encode never writes (a directory another program named). */
    static Optional<String> decode(String encoded) {
        // Only what encode writes round-trips: raw 8-bit, or a needlessly shifted printable, does not.
        return ModifiedUtf7.decode(encoded).filter(level -> encode(level).equals(encoded));
    }
}
