package dev.tern.directory;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The directory's configuration.
 *
 * <p>Keys may be written in any case: the directory compares local parts case-insensitively. Every user,
 * alias and list must be at one of {@code domains}, and no address may be more than one of user, alias and
 * list; a settings record that breaks these rules is a configuration error and is refused here.
 *
 * @param domains           local domains, in the order given (a {@link java.util.LinkedHashSet} or a config
 *                          file's list); the first is the primary domain, whose postmaster answers for every
 *                          local domain that has none of its own ({@link Directory})
 * @param anyLocalPart      every local part at a local domain is a user (the no-config default)
 * @param users             canonical user mailboxes
 * @param aliases           alias address to its targets (local or remote)
 * @param lists             list address to its members
 * @param subaddressSeparator e.g. "+": {@code user+tag} resolves as {@code user}; empty to turn off
 */
public record DirectorySettings(Set<Domain> domains, boolean anyLocalPart, Set<Mailbox> users,
                                Map<Mailbox, List<Mailbox>> aliases, Map<Mailbox, List<Mailbox>> lists,
                                String subaddressSeparator) {
    public DirectorySettings {
        if (domains == null || users == null || aliases == null || lists == null || subaddressSeparator == null) {
            throw new IllegalArgumentException("null in directory settings");
        }
        if (subaddressSeparator.contains("@")) throw new IllegalArgumentException("'@' as sub-address separator");
        if (domains.isEmpty()) throw new IllegalArgumentException("no local domain");
        // Kept in order, not Set.copyOf: the first domain is the primary one.
        domains = Collections.unmodifiableSet(new LinkedHashSet<>(domains));
        users = Set.copyOf(users);
        aliases = deepCopy(aliases);
        lists = deepCopy(lists);
        Set<String> seen = new HashSet<>();
        for (Mailbox address : concat(users, aliases.keySet(), lists.keySet())) {
            if (!domains.contains(address.domain())) {
                throw new IllegalArgumentException("not at a local domain: " + address);
            }
            if (!seen.add(canonical(address))) {
                throw new IllegalArgumentException("configured more than once: " + address);
            }
        }
    }

    /** The primary domain: the first of {@link #domains}. */
    public Domain primaryDomain() {
        return domains.iterator().next();
    }

    public static DirectorySettings defaults() {
        return new DirectorySettings(Set.of(Domain.parse("localhost")), true, Set.of(), Map.of(), Map.of(), "+");
    }

    private static Map<Mailbox, List<Mailbox>> deepCopy(Map<Mailbox, List<Mailbox>> map) {
        Map<Mailbox, List<Mailbox>> copy = new HashMap<>();
        map.forEach((address, targets) -> copy.put(address, List.copyOf(targets)));
        return Map.copyOf(copy);
    }

    private static List<Mailbox> concat(Set<Mailbox> users, Set<Mailbox> aliases, Set<Mailbox> lists) {
        List<Mailbox> all = new ArrayList<>(users);
        all.addAll(aliases);
        all.addAll(lists);
        return all;
    }

    private static String canonical(Mailbox address) {
        return address.canonicalLocalPart() + "@" + address.domain().name();
    }
}
