package dev.tern.mail;

import java.util.Set;

/**
 * One accepted RCPT TO: the forward-path and its DSN parameters (RFC 3461 §4).
 *
 * @param mailbox the forward-path as the client gave it
 * @param notifyOn the NOTIFY keywords; empty when the client gave none (then the default applies:
 *                FAILURE, and DELAY at the server's discretion, RFC 3461 §4.1)
 * @param orcpt   the ORCPT value as {@code addr-type;xtext-decoded-address}, or empty when absent
 */
public record Recipient(Mailbox mailbox, Set<Notify> notifyOn, String orcpt) {
    public Recipient {
        if (mailbox == null) throw new IllegalArgumentException("no mailbox");
        notifyOn = Set.copyOf(notifyOn);
        if (notifyOn.contains(Notify.NEVER) && notifyOn.size() > 1) {
            throw new IllegalArgumentException("NOTIFY=NEVER cannot be combined");
        }
        if (orcpt == null) throw new IllegalArgumentException("orcpt must be empty, not null");
    }

    public static Recipient of(Mailbox mailbox) {
        return new Recipient(mailbox, Set.of(), "");
    }
}
