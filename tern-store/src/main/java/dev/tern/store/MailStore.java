package dev.tern.store;

import dev.tern.mail.Mailbox;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where local mail ends up, and where readers (IMAP, POP3, later web) find it: the store SPI.
 *
 * <p>Contract: {@link #deliver} returns only when the message is durably in the user's INBOX. It is idempotent
 * per {@code deliveryId}: when {@code checkExisting} is true and a message with that id is already in the
 * mailbox (new or read), nothing is stored again; that check costs the same for 10 and 1,000,000 messages.
 * A delivery wakes the sessions watching INBOX ({@link Folder#watch}). Thread-safe. An {@link IOException} is a
 * temporary failure.
 */
public interface MailStore {
    /**
     * @param user          the canonical mailbox ({@code localpart@domain}, local part lower-cased)
     * @param deliveryId    unique per (message, recipient); letters and digits
     * @param content       the message with CRLF line endings; the store may convert them to its own format
     * @param checkExisting look for an earlier copy first (the spool recovered this message after a crash)
     */
    void deliver(Mailbox user, String deliveryId, InputStream content, boolean checkExisting) throws IOException;

    /**
     * As {@link #deliver(Mailbox, String, InputStream, boolean)}, into the user's folder of special use {@code use}
     * (the Junk folder for quarantined mail), or the INBOX when the user has no such folder. The same promises:
     * durable on return, idempotent per {@code deliveryId} in that folder.
     */
    void deliver(Mailbox user, SpecialUse use, String deliveryId, InputStream content, boolean checkExisting)
            throws IOException;

    /**
     * The folders of {@code user}, made (INBOX and the {@link SpecialUse} folders) on first use. One object per
     * user and store, shared by all of that user's sessions.
     */
    Folders folders(Mailbox user) throws IOException;
}
