package dev.tern.directory;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The directory's configuration. STUB: contract only.
 *
 * @param domains           local domains
 * @param anyLocalPart      every local part at a local domain is a user (the no-config default)
 * @param users             canonical user mailboxes
 * @param aliases           alias address to its targets (local or remote)
 * @param lists             list address to its members
 * @param subaddressSeparator e.g. "+": {@code user+tag} resolves as {@code user}; empty to turn off
 */
public record DirectorySettings(Set<Domain> domains, boolean anyLocalPart, Set<Mailbox> users,
                                Map<Mailbox, List<Mailbox>> aliases, Map<Mailbox, List<Mailbox>> lists,
                                String subaddressSeparator) {
    public static DirectorySettings defaults() {
        return new DirectorySettings(Set.of(Domain.parse("localhost")), true, Set.of(), Map.of(), Map.of(), "+");
    }
}
