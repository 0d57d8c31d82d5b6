package dev.tern.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One user's folder tree. Folder names are Unicode strings with {@link #SEPARATOR} between hierarchy levels;
 * {@code INBOX} is matched case-insensitively and always exists. A new account has INBOX plus one folder for
 * each {@link SpecialUse} in {@link SpecialUse#CREATED}. Thread-safe. Each change is durable when it returns.
 */
public interface Folders {
    /** The hierarchy separator of folder names (Maildir++'s, as Dovecot shows it). */
    char SEPARATOR = '.';

    String INBOX = "INBOX";

    /** Every folder, INBOX first, then in name order. */
    List<FolderInfo> list() throws IOException;

    /** The folder named {@code name}, or empty when there is none. */
    Optional<Folder> open(String name) throws IOException;

    /** Creates {@code name} (and missing parents, RFC 9051 §6.3.4), with an optional special use (RFC 6154). */
    FolderOutcome create(String name, Optional<SpecialUse> use) throws IOException;

    /** Deletes {@code name} and its messages. INBOX cannot be deleted. */
    FolderOutcome delete(String name) throws IOException;

    /**
     * Renames {@code from} (and its children) to {@code to}. Renaming INBOX moves its messages into a new
     * folder {@code to} and leaves INBOX empty (RFC 9051 §6.3.6).
     */
    FolderOutcome rename(String from, String to) throws IOException;

    /** Adds or removes {@code name} from the subscriptions; the folder need not exist (RFC 9051 §6.3.7). */
    void subscribe(String name, boolean subscribed) throws IOException;

    /** The subscribed names, existing or not, in name order. */
    List<String> subscriptions() throws IOException;
}
