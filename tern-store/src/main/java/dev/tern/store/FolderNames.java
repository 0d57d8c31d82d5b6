package dev.tern.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Folder names: which are valid, and how Maildir++ writes them on disk. Folder {@code A.B} is the directory
 * {@code .A.B} beside INBOX's tmp/new/cur, each level in modified UTF-7 (RFC 3501 §5.1.3), as Dovecot writes
 * them, so the same tree reads the same in Dovecot or mutt.
 */
final class FolderNames {
    static final int MAX_LENGTH = 200;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

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

    /** Modified UTF-7: printable ASCII as itself ({@code &} as {@code &-}), the rest as {@code &<base64>-}. */
    static String encode(String level) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < level.length()) {
            char c = level.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                sb.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int j = i;
            while (j < level.length() && (level.charAt(j) < 0x20 || level.charAt(j) > 0x7e)) j++;
            byte[] utf16 = level.substring(i, j).getBytes(StandardCharsets.UTF_16BE);
            sb.append('&').append(B64.encodeToString(utf16).replace('/', ',')).append('-');
            i = j;
        }
        return sb.toString();
    }

    /** The inverse of {@link #encode}; empty for what encode never writes. */
    static Optional<String> decode(String encoded) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < encoded.length()) {
            char c = encoded.charAt(i);
            if (c < 0x20 || c > 0x7e) return Optional.empty();
            if (c != '&') {
                sb.append(c);
                i++;
                continue;
            }
            int end = encoded.indexOf('-', i + 1);
            if (end < 0) return Optional.empty();
            if (end == i + 1) {
                sb.append('&');
            } else {
                try {
                    byte[] utf16 = B64D.decode(encoded.substring(i + 1, end).replace(',', '/'));
                    if (utf16.length % 2 != 0) return Optional.empty();
                    sb.append(new String(utf16, StandardCharsets.UTF_16BE));
                } catch (IllegalArgumentException e) {
                    return Optional.empty(); // not base64: a directory some other program named
                }
            }
            i = end + 1;
        }
        String level = sb.toString();
        return encode(level).equals(encoded) ? Optional.of(level) : Optional.empty();
    }
}
