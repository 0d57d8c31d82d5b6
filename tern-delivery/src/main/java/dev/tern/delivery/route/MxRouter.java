package dev.tern.delivery.route;

import dev.tern.dns.Lookup;
import dev.tern.dns.Mx;
import dev.tern.dns.Resolver;
import dev.tern.mail.Domain;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@link Route} to a domain as RFC 5321 §5.1 describes.
 *
 * <ul>
 *   <li>An address literal ({@code [192.0.2.7]}) is its own host; no DNS.</li>
 *   <li>MX records are sorted by preference, records of equal preference shuffled (§5.1: "randomize"). A lone
 *       MX naming the root is a Null MX (RFC 7505); root records among others are ignored.</li>
 *   <li>No MX records at all (NODATA) means the domain's own A/AAAA records (the implicit MX); NXDOMAIN means no such
 *       domain.</li>
 *   <li>The self-cut (§5.1): an MX naming this server ({@link RoutingSettings#hostname()}, or resolving to one of
 *       {@link RoutingSettings#ownAddresses()}) is dropped with every MX of equal or greater preference. When that
 *       leaves nothing, because the best MX is this server, the route is a {@link Route.Loop}.</li>
 *   <li>At most {@link RoutingSettings#maxHosts()} MX hosts are resolved, best first, and at most
 *       {@link RoutingSettings#maxAddresses()} addresses kept in all; an address already in the route is not
 *       repeated. Address families follow {@link RoutingSettings#ipPreference()}.</li>
 *   <li>An MX host whose addresses cannot be had now is skipped; if that leaves no host, the route is a
 *       {@link Route.TempFail}. Hosts that are all NXDOMAIN or addressless make a {@link Route.NoMailHost}.</li>
 * </ul>
 *
 * <p>Thread-safe when its resolver and random generator are (as {@link java.util.Random} is). The MX of an equal
 * preference beyond the host limit is never resolved, so it cannot trigger the address self-cut; a name match still
 * does, since names are compared before any address is asked for.
 */
public final class MxRouter {
    private static final Logger log = LoggerFactory.getLogger(MxRouter.class);

    private final Resolver resolver;
    private final RoutingSettings settings;
    private final RandomGenerator random;

    public MxRouter(Resolver resolver, RoutingSettings settings, RandomGenerator random) {
        this.resolver = resolver;
        this.settings = settings;
        this.random = random;
    }

    public MxRouter(Resolver resolver, RoutingSettings settings) {
        this(resolver, settings, new Random());
    }

    /** The route to the mail hosts of {@code domain} (a recipient's domain). */
    public Route route(Domain domain) {
        if (domain.isLiteral()) return literal(domain);
        return switch (resolver.mx(domain)) {
            case Lookup.Found<Mx> found -> viaMx(domain, found.records());
            case Lookup.NoData<Mx> none -> implicitMx(domain);
            case Lookup.NxDomain<Mx> none -> new Route.NoSuchDomain(domain);
            case Lookup.TempFail<Mx> failed -> new Route.TempFail(failed.reason());
        };
    }

    /** The route to a configured next hop: MX records for {@code host}, the host's addresses for {@code [host]}. */
    public Route route(RouteTarget target) {
        if (target.mxLookup()) return route(target.host());
        if (target.host().isLiteral()) return literal(target.host());
        return switch (addresses(target.host())) {
            case Addresses.Found found -> isSelf(found.addresses()) ? new Route.Loop(target.host())
                    : new Route.Hosts(List.of(new Host(target.host(), 0, found.addresses())), false);
            case Addresses.NotFound none -> new Route.NoMailHost(target.host());
            case Addresses.Failed failed -> new Route.TempFail(failed.reason());
        };
    }

    private Route literal(Domain domain) {
        String inner = domain.name().substring(1, domain.name().length() - 1);
        InetAddress address = InetAddress.ofLiteral(inner.startsWith("IPv6:") ? inner.substring(5) : inner);
        if (settings.ownAddresses().contains(address)) return new Route.Loop(domain);
        return new Route.Hosts(List.of(new Host(domain, 0, List.of(address))), false);
    }

    private Route implicitMx(Domain domain) {
        // RFC 5321 §5.1: no MX, so the domain is its own mail host.
        return switch (addresses(domain)) {
            case Addresses.Found found -> isSelf(found.addresses()) || isSelf(domain) ? new Route.Loop(domain)
                    : new Route.Hosts(List.of(new Host(domain, 0, found.addresses())), true);
            case Addresses.NotFound none -> new Route.NoMailHost(domain);
            case Addresses.Failed failed -> new Route.TempFail(failed.reason());
        };
    }

    private Route viaMx(Domain domain, List<Mx> records) {
        List<Mx> usable = records.stream().filter(mx -> !mx.namesRoot()).toList();
        // RFC 7505 §3: "MX 0 ." alone means no mail; root records beside real ones are just unusable.
        if (usable.isEmpty()) return new Route.NullMx(domain);
        List<Candidate> ordered = order(usable);
        if (ordered.isEmpty()) return new Route.NoMailHost(domain);
        int cut = Integer.MAX_VALUE;
        for (Candidate c : ordered) {
            if (isSelf(c.name())) cut = Math.min(cut, c.preference());
        }
        List<Host> hosts = new ArrayList<>();
        Set<InetAddress> taken = new LinkedHashSet<>();
        String tempFailure = null;
        int resolved = 0;
        for (Candidate c : ordered) {
            if (c.preference() >= cut || resolved >= settings.maxHosts() || taken.size() >= settings.maxAddresses()) break;
            resolved++;
            switch (addresses(c.name())) {
                case Addresses.Found found -> {
                    if (isSelf(found.addresses())) {
                        // RFC 5321 §5.1: drop this MX and all of equal or greater preference.
                        cut = c.preference();
                        hosts.removeIf(h -> h.preference() >= c.preference());
                        continue;
                    }
                    List<InetAddress> fresh = found.addresses().stream().filter(a -> !taken.contains(a))
                            .limit(settings.maxAddresses() - taken.size()).toList();
                    if (fresh.isEmpty()) continue;
                    taken.addAll(fresh);
                    hosts.add(new Host(c.name(), c.preference(), fresh));
                }
                case Addresses.NotFound none -> log.debug("MX {} of {} has no address", c.name(), domain);
                case Addresses.Failed failed -> {
                    log.debug("MX {} of {}: {}", c.name(), domain, failed.reason());
                    if (tempFailure == null) tempFailure = failed.reason();
                }
            }
        }
        if (cut <= ordered.getFirst().preference()) {
            log.debug("best MX of {} is this server", domain);
            return new Route.Loop(domain);
        }
        if (!hosts.isEmpty()) return new Route.Hosts(hosts, false);
        return tempFailure != null ? new Route.TempFail(tempFailure) : new Route.NoMailHost(domain);
    }

    private record Candidate(Domain name, int preference) {}

    /** By preference, shuffled within a preference (RFC 5321 §5.1); exchanges that are no host names dropped. */
    private List<Candidate> order(List<Mx> records) {
        List<Candidate> candidates = new ArrayList<>();
        for (Mx mx : records) {
            try {
                candidates.add(new Candidate(Domain.parse(mx.exchange()), mx.preference()));
            } catch (IllegalArgumentException e) {
                log.debug("MX exchange {} is not a host name; skipped", mx.exchange()); // a remote's error, not ours
            }
        }
        // Fisher-Yates, then a stable sort: equal preferences keep their shuffled order.
        for (int i = candidates.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            candidates.set(i, candidates.set(j, candidates.get(i)));
        }
        candidates.sort(Comparator.comparingInt(Candidate::preference));
        return candidates;
    }

    private boolean isSelf(Domain host) {
        return host.equals(settings.hostname());
    }

    private boolean isSelf(List<InetAddress> addresses) {
        return addresses.stream().anyMatch(settings.ownAddresses()::contains);
    }

    private sealed interface Addresses {
        record Found(List<InetAddress> addresses) implements Addresses {}

        record NotFound() implements Addresses {}

        record Failed(String reason) implements Addresses {}
    }

    /** A host's usable addresses in the preferred families, IPv4 first; found if either family has some. */
    private Addresses addresses(Domain host) {
        List<InetAddress> found = new ArrayList<>();
        String failure = null;
        if (settings.ipPreference().wantsIpv4()) failure = collect(resolver.a(host), found, failure);
        if (settings.ipPreference().wantsIpv6()) failure = collect(resolver.aaaa(host), found, failure);
        found.removeIf(a -> a.isAnyLocalAddress() || a.isMulticastAddress()); // never a mail host
        if (!found.isEmpty()) return new Addresses.Found(List.copyOf(new LinkedHashSet<>(found)));
        return failure != null ? new Addresses.Failed(failure) : new Addresses.NotFound();
    }

    private static String collect(Lookup<InetAddress> lookup, List<InetAddress> into, String failure) {
        return switch (lookup) {
            case Lookup.Found<InetAddress> f -> {
                into.addAll(f.records());
                yield failure;
            }
            case Lookup.NoData<InetAddress> n -> failure;
            case Lookup.NxDomain<InetAddress> n -> failure;
            case Lookup.TempFail<InetAddress> t -> failure != null ? failure : t.reason();
        };
    }
}
