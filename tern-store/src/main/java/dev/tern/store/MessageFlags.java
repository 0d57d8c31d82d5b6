package dev.tern.store;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * IMAP flags as the index keeps them, and their maildir.txt letters in file names ({@code :2,<letters>}).
 * System flags take their canonical case; {@code \Recent} is never stored (RFC 9051 drops it).
 */
final class MessageFlags {
    private static final Map<String, String> SYSTEM = Map.of(
            "\\seen", "\\Seen", "\\answered", "\\Answered", "\\flagged", "\\Flagged",
            "\\deleted", "\\Deleted", "\\draft", "\\Draft");
    // maildir.txt: D draft, F flagged, P passed, R replied, S seen, T trashed; written in ASCII order.
    private static final Map<Character, String> LETTERS = Map.of(
            'D', "\\Draft", 'F', "\\Flagged", 'R', "\\Answered", 'S', "\\Seen", 'T', "\\Deleted");

    private MessageFlags() {}

    static Set<String> normalize(Set<String> flags) {
        Set<String> normal = new TreeSet<>();
        for (String flag : flags) {
            if (flag.startsWith("\\")) {
                String system = SYSTEM.get(flag.toLowerCase(Locale.ROOT));
                if (system != null) normal.add(system); // \Recent and unknown system flags are not stored
            } else if (!flag.isEmpty()) {
                normal.add(flag);
            }
        }
        return Set.copyOf(normal);
    }

    /** The letters for a cur/ name's {@code :2,} info. */
    static String letters(Set<String> flags) {
        StringBuilder sb = new StringBuilder();
        for (char c : new char[] {'D', 'F', 'R', 'S', 'T'}) if (flags.contains(LETTERS.get(c))) sb.append(c);
        return sb.toString();
    }

    /** The flags a file name's {@code :2,} info gives (a file another program wrote); none without it. */
    static Set<String> fromFileName(String file) {
        int info = file.indexOf(":2,");
        if (info < 0) return Set.of();
        Set<String> flags = new TreeSet<>();
        for (char c : file.substring(info + 3).toCharArray()) {
            String flag = LETTERS.get(c);
            if (flag != null) flags.add(flag);
        }
        return Set.copyOf(flags);
    }
}
