package dev.tern.imap;

import java.util.Locale;
import java.util.Map;

/**
 * A message flag (RFC 9051 §2.3.2): a system flag such as {@code \Seen}, held in its canonical case because
 * flags compare case-insensitively, or a keyword atom, held as sent. {@code \*} exists only for
 * PERMANENTFLAGS (§7.1).
 */
public record Flag(String name) {
    // First: the constants below are built with it.
    private static final Map<String, String> SYSTEM = Map.of(
            "\\seen", "\\Seen", "\\answered", "\\Answered", "\\flagged", "\\Flagged",
            "\\deleted", "\\Deleted", "\\draft", "\\Draft", "\\recent", "\\Recent");

    public static final Flag SEEN = new Flag("\\Seen");
    public static final Flag ANSWERED = new Flag("\\Answered");
    public static final Flag FLAGGED = new Flag("\\Flagged");
    public static final Flag DELETED = new Flag("\\Deleted");
    public static final Flag DRAFT = new Flag("\\Draft");
    /** RFC 3501 only; RFC 9051 §2.3.2 dropped it, but rev1 clients still search for it. */
    public static final Flag RECENT = new Flag("\\Recent");
    public static final Flag ANY_KEYWORD = new Flag("\\*");

    public Flag {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty flag");
        String atom = name.startsWith("\\") ? name.substring(1) : name;
        if (!atom.equals("*") || !name.startsWith("\\")) {
            if (atom.isEmpty() || !Lexer.isAtom(atom)) throw new IllegalArgumentException("flag is not an atom: " + name);
        }
        name = SYSTEM.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    public boolean isSystem() {
        return name.startsWith("\\");
    }
}
