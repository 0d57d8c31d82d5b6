package dev.tern.directory;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who an address is. Thread-safe, and immutable but for one thing: {@link #addDomain} makes one more domain
 * local in a running server (the JUnit extension's {@code createAccount}); a new configuration makes a new
 * Directory.
 *
 * <p>Rules, in the order {@link #resolve} applies them to an address at a local domain:
 * <ol>
 *   <li>The local part is compared case-insensitively; the canonical form is lower-case
 *       ({@link Mailbox#canonicalLocalPart()}).</li>
 *   <li>A configured user, alias or list matches exactly.</li>
 *   <li>Otherwise {@code base+tag} is tried as {@code base} (sub-addressing, with the configured separator).</li>
 *   <li>Otherwise {@code postmaster} (RFC 5321 §4.5.1) is the primary domain's postmaster (the first
 *       configured domain): its alias, list or user if configured, else a user there. So the postmaster of a
 *       domain with none of its own, such as the server's hostname that a bare {@code <postmaster>} names,
 *       reaches the configured one, as Postfix's aliases serve every {@code $mydestination} domain.</li>
 *   <li>Otherwise, with {@code anyLocalPart}, every other local part is a user.</li>
 *   <li>Otherwise the address is unknown.</li>
 * </ol>
 * Aliases and lists expand recursively: local targets resolve by the same rules, remote targets are collected,
 * duplicates are dropped, each alias or list is expanded at most once (so loops end) and at most
 * {@value #MAX_DEPTH} levels deep. An alias or list that expands to nothing (empty, or only a loop) is
 * unknown: mail accepted for it would go nowhere.
 */
public final class Directory {
    /** How deep aliases may nest; sendmail allows 10, and no sane configuration needs more than a few. */
    public static final int MAX_DEPTH = 20;
    private static final String POSTMASTER = "postmaster";

    // Replaced whole (never changed in place) by addDomain, so a reader sees the old set or the new one.
    private volatile Set<Domain> domains;
    private volatile List<Domain> domainsByName;
    private final Mailbox postmaster;
    private final boolean anyLocalPart;
    private final Set<Mailbox> users;
    private final Map<Mailbox, List<Mailbox>> aliases;
    private final Map<Mailbox, List<Mailbox>> lists;
    private final String separator;

    /**
     * @throws IllegalArgumentException when an alias or list has a local target that no rule resolves
     */
    public Directory(DirectorySettings settings) {
        domains = settings.domains();
        domainsByName = domains.stream().sorted(Comparator.comparing(Domain::name)).toList();
        anyLocalPart = settings.anyLocalPart();
        postmaster = new Mailbox(POSTMASTER, settings.primaryDomain());
        users = Set.copyOf(settings.users().stream().map(Directory::canonical).toList());
        aliases = canonicalKeys(settings.aliases());
        lists = canonicalKeys(settings.lists());
        separator = settings.subaddressSeparator();
        for (Map<Mailbox, List<Mailbox>> expansions : List.of(aliases, lists)) {
            expansions.forEach((address, targets) -> targets.stream()
                    .filter(target -> isLocal(target.domain()) && find(canonical(target)).isEmpty())
                    .findFirst()
                    .ifPresent(target -> {
                        throw new IllegalArgumentException(address + " expands to unknown " + target);
                    }));
        }
    }

    /**
     * Makes {@code domain} local from now on, with the configured rules (any local part a user when
     * {@code anyLocalPart}); the configured users, aliases and lists stay as they are. Idempotent.
     */
    public synchronized void addDomain(Domain domain) {
        if (domains.contains(domain)) return;
        Set<Domain> more = new LinkedHashSet<>(domains);
        more.add(domain);
        domainsByName = more.stream().sorted(Comparator.comparing(Domain::name)).toList();
        domains = Set.copyOf(more);
    }

    /** True when {@code domain} is one of ours. Domains are canonical, so this is IDNA-aware and case-blind. */
    public boolean isLocal(Domain domain) {
        return domains.contains(domain);
    }

    /** Resolves an address: to local mailboxes (aliases and lists expanded), remote, or unknown. */
    public Resolution resolve(Mailbox address) {
        if (!isLocal(address.domain())) return new Resolution.Remote();
        return find(canonical(address)).map(this::resolveKey).orElseGet(Resolution.Unknown::new);
    }

    /**
     * Answers VRFY (RFC 5321 §3.5.1). The argument is a mailbox ({@code <a@b>} or {@code a@b}) or a bare name,
     * which is tried as a local part at every local domain.
     */
    public Verification verify(String argument) {
        return switch (Query.parse(argument)) {
            case Query.Invalid() -> new Verification.Invalid();
            case Query.Address(Mailbox address) -> verify(address);
            case Query.Name(String name) -> {
                List<Mailbox> matches = matches(name);
                yield switch (matches.size()) {
                    case 0 -> new Verification.NotFound();
                    case 1 -> verify(matches.getFirst());
                    default -> new Verification.Ambiguous(matches);
                };
            }
        };
    }

    /**
     * Answers EXPN (RFC 5321 §3.5.2): a list's members, fully expanded (local mailboxes first, then remote).
     * Only lists expand; aliases are private redirections and answer {@link Expansion.NotAList}.
     */
    public Expansion expand(String argument) {
        return switch (Query.parse(argument)) {
            case Query.Invalid() -> new Expansion.Invalid();
            case Query.Address(Mailbox address) -> expand(address);
            case Query.Name(String name) -> {
                List<Mailbox> matches = matches(name);
                yield switch (matches.size()) {
                    case 0 -> new Expansion.NotFound();
                    case 1 -> expand(matches.getFirst());
                    default -> new Expansion.Ambiguous(matches);
                };
            }
        };
    }

    private Verification verify(Mailbox address) {
        if (!isLocal(address.domain())) return new Verification.NotLocal(address);
        Optional<Mailbox> key = find(canonical(address));
        if (key.isEmpty()) return new Verification.NotFound();
        return switch (resolveKey(key.get())) {
            case Resolution.Local(List<Mailbox> local, List<Mailbox> remote, Resolution.Kind kind)
                    when kind == Resolution.Kind.ALIAS && local.isEmpty() && remote.size() == 1 ->
                    new Verification.Forwarded(remote.getFirst());
            case Resolution.Local _ -> new Verification.Verified(key.get());
            case Resolution.Remote _ -> new Verification.NotLocal(address);
            case Resolution.Unknown _ -> new Verification.NotFound();
        };
    }

    private Expansion expand(Mailbox address) {
        if (!isLocal(address.domain())) return new Expansion.NotLocal(address);
        Optional<Mailbox> key = find(canonical(address));
        if (key.isEmpty()) return new Expansion.NotFound();
        if (!lists.containsKey(key.get())) return new Expansion.NotAList(key.get());
        List<Mailbox> members = new ArrayList<>();
        if (resolveKey(key.get()) instanceof Resolution.Local(List<Mailbox> local, List<Mailbox> remote, var _)) {
            members.addAll(local);
            members.addAll(remote);
        }
        return new Expansion.Members(key.get(), members);
    }

    /** The local addresses, one per local domain in name order, that a bare VRFY/EXPN name resolves at. */
    private List<Mailbox> matches(String name) {
        List<Mailbox> matches = new ArrayList<>();
        for (Domain domain : domainsByName) {
            Mailbox candidate;
            try {
                candidate = new Mailbox(name, domain);
            } catch (IllegalArgumentException e) {
                return List.of(); // not a possible local part anywhere, so it names nobody
            }
            // Distinct: the postmasters of several domains may be one and the same.
            find(canonical(candidate)).filter(found -> !matches.contains(found)).ifPresent(matches::add);
        }
        return matches;
    }

    /** The configured or implied address that a canonical local address stands for, if any. */
    private Optional<Mailbox> find(Mailbox key) {
        if (isConfigured(key)) return Optional.of(key);
        Optional<Mailbox> base = withoutSubaddress(key);
        if (base.isPresent() && isConfigured(base.get())) return base;
        Mailbox plain = base.orElse(key);
        // RFC 5321 §4.5.1: every local domain accepts mail for "postmaster", configured or not; one that has
        // no postmaster of its own shares the primary domain's, so that mail reaches someone who reads it.
        if (plain.localPart().equals(POSTMASTER)) return Optional.of(postmaster);
        if (anyLocalPart) return Optional.of(plain);
        return Optional.empty();
    }

    private boolean isConfigured(Mailbox key) {
        return users.contains(key) || aliases.containsKey(key) || lists.containsKey(key);
    }

    private Optional<Mailbox> withoutSubaddress(Mailbox key) {
        if (separator.isEmpty()) return Optional.empty();
        int at = key.localPart().indexOf(separator);
        if (at <= 0) return Optional.empty();
        return Optional.of(new Mailbox(key.localPart().substring(0, at), key.domain()));
    }

    private Resolution resolveKey(Mailbox key) {
        List<Mailbox> targets = aliases.containsKey(key) ? aliases.get(key) : lists.get(key);
        if (targets == null) return new Resolution.Local(List.of(key), List.of(), Resolution.Kind.USER);
        Set<Mailbox> local = new LinkedHashSet<>();
        Set<Mailbox> remote = new LinkedHashSet<>();
        Set<Mailbox> expanded = new HashSet<>(Set.of(key));
        expandInto(targets, 1, expanded, local, remote);
        if (local.isEmpty() && remote.isEmpty()) return new Resolution.Unknown();
        Resolution.Kind kind = aliases.containsKey(key) ? Resolution.Kind.ALIAS : Resolution.Kind.LIST;
        return new Resolution.Local(List.copyOf(local), List.copyOf(remote), kind);
    }

    private void expandInto(List<Mailbox> targets, int depth, Set<Mailbox> expanded,
                            Set<Mailbox> local, Set<Mailbox> remote) {
        for (Mailbox target : targets) {
            if (!isLocal(target.domain())) {
                remote.add(target); // RFC 5321 §2.4: a remote local part is the remote host's to interpret
                continue;
            }
            Optional<Mailbox> key = find(canonical(target));
            if (key.isEmpty()) continue; // cannot happen for configured targets: the constructor refuses them
            List<Mailbox> next = aliases.containsKey(key.get()) ? aliases.get(key.get()) : lists.get(key.get());
            if (next == null) {
                local.add(key.get());
            } else if (depth < MAX_DEPTH && expanded.add(key.get())) {
                expandInto(next, depth + 1, expanded, local, remote);
            }
        }
    }

    /**
     * The address with its local part lower-cased. When lower-casing would make the local part too long (a few
     * characters grow in UTF-8, such as U+0130), the address is kept as written: it cannot match configuration,
     * which went through the same rule.
     */
    static Mailbox canonical(Mailbox address) {
        String lower = address.canonicalLocalPart();
        if (lower.equals(address.localPart())) return address;
        try {
            return new Mailbox(lower, address.domain());
        } catch (IllegalArgumentException e) {
            return address; // documented above: such a local part matches nothing configured
        }
    }

    private static Map<Mailbox, List<Mailbox>> canonicalKeys(Map<Mailbox, List<Mailbox>> map) {
        Map<Mailbox, List<Mailbox>> result = new HashMap<>();
        map.forEach((address, targets) -> result.put(canonical(address), targets));
        return Map.copyOf(result);
    }
}
