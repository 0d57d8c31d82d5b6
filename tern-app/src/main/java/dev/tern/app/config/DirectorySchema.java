package dev.tern.app.config;

import dev.tern.directory.DirectorySettings;
import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The keys that say who receives mail here: {@code domains}, {@code users}, {@code aliases}, {@code lists}
 * and {@code subaddress_separator}, read into {@link DirectorySettings}.
 *
 * <p>A config file names its recipients, so {@code anyLocalPart} is false: only the listed users, aliases
 * and lists exist, plus {@code postmaster} at every local domain, which the directory always answers
 * (RFC 5321 §4.5.1). Checks made here, because they span keys: every address defined is in a local domain
 * and defined once, and an alias or list target in a local domain names something that exists.
 */
final class DirectorySchema {
    private static final List<Domain> DEFAULT_DOMAINS = List.of(Domain.parse("localhost"));

    private final Section top;
    private final Set<Domain> domains = new LinkedHashSet<>();
    /** Canonical address to what defines it ("a user", "an alias", "a list"). */
    private final Map<String, String> defined = new HashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private String separator = "+";

    private record Target(String key, Mailbox address) {}

    private DirectorySchema(Section top) {
        this.top = top;
    }

    /** Reads the directory keys of {@code top}; the result builds the settings once the file has no mistakes. */
    static Supplier<DirectorySettings> read(Section top) {
        return new DirectorySchema(top).read();
    }

    private Supplier<DirectorySettings> read() {
        separator = top.get("subaddress_separator", DirectorySchema::separator, "+");
        readDomains();
        Set<Mailbox> users = new LinkedHashSet<>();
        List<Mailbox> listed = top.list("users", ConfigValues::mailbox, List.of());
        for (int i = 0; i < listed.size(); i++) {
            if (define(top.keyOf("users") + "[" + i + "]", listed.get(i), "a user")) users.add(listed.get(i));
        }
        Map<Mailbox, List<Mailbox>> aliases = readExpansions("aliases", "an alias");
        Map<Mailbox, List<Mailbox>> lists = readExpansions("lists", "a list");
        for (Target target : targets) {
            Mailbox t = target.address();
            if (domains.contains(t.domain()) && !isPostmaster(t) && !defined.containsKey(canonical(base(t)))) {
                top.error(target.key(), "no user, alias or list " + t + " is defined");
            }
        }
        Set<Domain> local = Collections.unmodifiableSet(domains);
        String sep = separator;
        return () -> new DirectorySettings(local, false, Collections.unmodifiableSet(users),
                Collections.unmodifiableMap(aliases), Collections.unmodifiableMap(lists), sep);
    }

    private void readDomains() {
        String key = top.keyOf("domains");
        List<Domain> listed = top.list("domains", ConfigValues::domain, DEFAULT_DOMAINS);
        if (listed.isEmpty()) top.error(key, "expected at least one domain");
        for (int i = 0; i < listed.size(); i++) {
            if (!domains.add(listed.get(i))) top.error(key + "[" + i + "]", "domain listed twice");
        }
        if (domains.isEmpty()) domains.addAll(DEFAULT_DOMAINS);
    }

    /** Reads {@code aliases} or {@code lists}: a mapping from an address to the addresses it expands to. */
    private Map<Mailbox, List<Mailbox>> readExpansions(String name, String kind) {
        Section section = top.section(name);
        Map<Mailbox, List<Mailbox>> expansions = new LinkedHashMap<>();
        for (Map.Entry<String, Node> entry : section.takeAll().entrySet()) {
            String key = section.keyOf(entry.getKey());
            Mailbox address = null;
            try {
                address = ConfigValues.parseMailbox(entry.getKey());
            } catch (IllegalArgumentException e) {
                section.error(key, e.getMessage());
            }
            boolean many = entry.getValue() instanceof SequenceNode;
            List<Mailbox> members = List.of();
            if (Section.isNull(entry.getValue()) || many && ((SequenceNode) entry.getValue()).getValue().isEmpty()) {
                section.error(key, "expected at least one address");
            } else {
                members = section.listOf(key, entry.getValue(), ConfigValues::mailbox, List.of());
            }
            for (int i = 0; i < members.size(); i++) {
                targets.add(new Target(many ? key + "[" + i + "]" : key, members.get(i)));
            }
            if (address != null && define(key, address, kind) && !members.isEmpty()) {
                expansions.put(address, List.copyOf(members));
            }
        }
        return expansions;
    }

    /** Records {@code address} as defined by {@code kind}; false (with an error) when it cannot be. */
    private boolean define(String key, Mailbox address, String kind) {
        if (!domains.contains(address.domain())) {
            top.error(key, "domain " + address.domain() + " is not one of the local domains");
            return false;
        }
        String previous = defined.putIfAbsent(canonical(address), kind);
        if (previous != null) {
            top.error(key, address + " is already defined as " + previous);
            return false;
        }
        return true;
    }

    /** {@code user+tag@domain} stands for {@code user@domain} when sub-addressing is on. */
    private Mailbox base(Mailbox address) {
        int cut = separator.isEmpty() ? -1 : address.localPart().indexOf(separator);
        return cut > 0 ? new Mailbox(address.localPart().substring(0, cut), address.domain()) : address;
    }

    private static boolean isPostmaster(Mailbox address) {
        return address.canonicalLocalPart().equals("postmaster");
    }

    private static String canonical(Mailbox address) {
        return address.canonicalLocalPart() + "@" + address.domain().name();
    }

    private static String separator(Node node) {
        String text = ConfigValues.string(node);
        if (text.isEmpty()) return text;
        if (text.length() != 1 || Character.isLetterOrDigit(text.charAt(0)) || !Mailbox.isAtext(text.charAt(0))) {
            throw new IllegalArgumentException("expected one character such as + or -, or \"\" to turn sub-addressing off");
        }
        return text;
    }
}
