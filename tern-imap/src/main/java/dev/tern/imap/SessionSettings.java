package dev.tern.imap;

/**
 * Limits of one IMAP session.
 *
 * @param maxBadCommands BAD answers (syntax, wrong state) before {@code * BYE} and close, as SMTP's error limit
 * @param maxAuthFailures failed LOGIN/AUTHENTICATE attempts before {@code * BYE}
 * @param greeting       the text of the {@code * OK} greeting
 */
public record SessionSettings(int maxBadCommands, int maxAuthFailures, String greeting) {
    public SessionSettings {
        if (maxBadCommands < 1 || maxAuthFailures < 1) throw new IllegalArgumentException("limits must be positive");
        if (greeting == null || greeting.isBlank()) throw new IllegalArgumentException("empty greeting");
    }

    public static SessionSettings defaults() {
        return new SessionSettings(20, 5, "Tern IMAP4rev2 ready");
    }
}
