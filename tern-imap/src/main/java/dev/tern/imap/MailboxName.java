package dev.tern.imap;

import dev.tern.mail.ModifiedUtf7;
import java.util.Locale;
import java.util.Optional;

/**
 * A mailbox name as Unicode text, whatever the wire form was. {@code INBOX} is case-insensitive (RFC 9051
 * §5.1) and held as {@code INBOX}; other names keep their case. The hierarchy separator is {@code /}.
 */
public record MailboxName(String name) {
    public static final MailboxName INBOX = new MailboxName("INBOX");

    public MailboxName {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty mailbox name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) throw new IllegalArgumentException("control character in mailbox name");
        }
        if (name.equalsIgnoreCase("INBOX")) name = "INBOX";
    }

    /** The name a client sent: modified UTF-7 in {@link TextMode#ASCII}, UTF-8 text as is otherwise. */
    public static Optional<MailboxName> decode(String wire, TextMode mode) {
        Optional<String> text = mode == TextMode.ASCII ? ModifiedUtf7.decode(wire) : Optional.of(wire);
        return text.filter(t -> !t.isEmpty() && t.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).map(MailboxName::new);
    }

    public String encode(TextMode mode) {
        return mode == TextMode.ASCII ? ModifiedUtf7.encode(name) : name;
    }

    public boolean isInbox() {
        return name.equals("INBOX") || name.toUpperCase(Locale.ROOT).equals("INBOX");
    }
}
