package dev.tern.auth;

import dev.tern.mail.Mailbox;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * Account names are email addresses, kept in one canonical form: the local part NFC-normalized and
 * lower-cased, {@code @}, the domain in lower-case A-labels ({@link dev.tern.mail.Domain#name()}). A client may
 * log in with any case and with U-labels; it is looked up under the canonical form.
 *
 * <p>The local part must be a dot-atom (letters, digits, {@code !#$%&'*+-/=?^_`{|}~}, dots, and non-ASCII):
 * quoted local parts are valid in mail but are a trap in a login field.
 */
public final class Usernames {
    private Usernames() {}

    /** The canonical form of {@code username}, or empty when it is not an email address usable as a login. */
    public static Optional<String> canonical(String username) {
        if (username == null) return Optional.empty();
        String text = Normalizer.normalize(username, Normalizer.Form.NFC);
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) return Optional.empty();
        String local = text.substring(0, at);
        if (!Mailbox.isDotAtom(local)) return Optional.empty();
        try {
            Mailbox mailbox = Mailbox.of(local, text.substring(at + 1));
            if (mailbox.domain().isLiteral()) return Optional.empty();
            return Optional.of(mailbox.localPart().toLowerCase(Locale.ROOT) + "@" + mailbox.domain().name());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not an address: the caller says "invalid username" in its own words
        }
    }

    /** {@code username} fit for a log line: controls replaced, at most 100 characters. Never a password. */
    static String forLog(String username) {
        StringBuilder sb = new StringBuilder(Math.min(username.length(), 100));
        for (int i = 0; i < username.length() && i < 100; i++) {
            char c = username.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || Character.isWhitespace(c) ? '?' : c);
        }
        return sb.toString();
    }
}
