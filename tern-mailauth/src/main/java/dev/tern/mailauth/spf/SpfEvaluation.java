package dev.tern.mailauth.spf;

import dev.tern.dns.Lookup;
import dev.tern.dns.Mx;
import dev.tern.dns.Resolver;
import dev.tern.mailauth.spf.SpfRecord.Directive;
import dev.tern.mailauth.spf.SpfRecord.Mechanism;
import dev.tern.mailauth.spf.SpfResult.Kind;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** One run of check_host() with its counters (§4.6.4); not thread-safe, made per {@link SpfEvaluator#check} call. */
final class SpfEvaluation {
    /** A mechanism's outcome: it matched, it did not, or the evaluation ends with an error result. */
    private sealed interface Match {
        Match YES = new Yes();
        Match NO = new No();

        record Yes() implements Match {}

        record No() implements Match {}

        record Abort(Kind kind, String reason) implements Match {}
    }

    private static final int MAX_NAME = 253;

    private final Resolver resolver;
    private final InetAddress ip;
    private final String sender;
    private final String helo;
    private final String receiver;
    private final long timestamp;
    private final long deadline;
    private int dnsTerms;
    private int voidLookups;
    private boolean timedOut;
    private List<String> validatedNames; // %{p} and ptr, asked at most once

    SpfEvaluation(Resolver resolver, InetAddress ip, String sender, String helo, String receiver, long timestamp,
                  long deadline) {
        this.resolver = resolver;
        this.ip = ip;
        this.sender = sender;
        this.helo = helo;
        this.receiver = receiver;
        this.timestamp = timestamp;
        this.deadline = deadline;
    }

    boolean timedOut() {
        return timedOut;
    }

    /** §4: the result for {@code domain}; the top level and every include and redirect come here. */
    SpfResult checkHost(String domain) {
        // §4.3: a malformed or single-label domain has no SPF policy.
        if (!isValidName(domain) || domain.indexOf('.') < 0) return SpfResult.of(Kind.NONE, domain, "not a domain name");
        List<String> spf = new ArrayList<>();
        switch (ask(() -> resolver.txt(domain))) {
            case Lookup.TempFail<String> t -> {
                return SpfResult.of(Kind.TEMPERROR, domain, "DNS: " + t.reason());
            }
            case Lookup.NxDomain<String> n -> {
                return SpfResult.of(Kind.NONE, domain, domain + " does not exist");
            }
            case Lookup.NoData<String> n -> {
                return SpfResult.of(Kind.NONE, domain, "no SPF record at " + domain);
            }
            case Lookup.Found<String> f -> f.records().stream().filter(SpfRecord::isSpf).forEach(spf::add);
        }
        // §4.5: exactly one record; none is none, several is permerror.
        if (spf.isEmpty()) return SpfResult.of(Kind.NONE, domain, "no SPF record at " + domain);
        if (spf.size() > 1) return SpfResult.of(Kind.PERMERROR, domain, "several SPF records at " + domain);
        SpfRecord record;
        switch (SpfRecord.parse(spf.getFirst())) {
            case SpfRecord.Parsed.Invalid invalid -> {
                return SpfResult.of(Kind.PERMERROR, domain,
                        "syntax error in the SPF record of " + domain + ": " + invalid.reason());
            }
            case SpfRecord.Parsed.Valid valid -> record = valid.record();
        }
        return evaluate(record, domain);
    }

    private SpfResult evaluate(SpfRecord record, String domain) {
        boolean hasAll = false;
        for (Directive directive : record.directives()) {
            hasAll |= directive.mechanism() instanceof Mechanism.All;
            switch (matches(directive.mechanism(), domain)) {
                case Match.Abort abort -> {
                    return SpfResult.of(abort.kind(), domain, abort.reason());
                }
                case Match.No no -> {
                    // on to the next directive
                }
                case Match.Yes yes -> {
                    Kind kind = directive.qualifier().result;
                    Optional<String> explanation = kind == Kind.FAIL && record.exp().isPresent()
                            ? explain(record.exp().get(), domain) : Optional.empty();
                    return new SpfResult(kind, domain, Optional.of(directive.text()), explanation,
                            directive.text() + " matched in the record of " + domain);
                }
            }
        }
        // §6.1: redirect= applies when nothing matched, and never when the record has an "all".
        if (record.redirect().isPresent() && !hasAll) {
            if (!countTerm()) return tooManyTerms(domain);
            Optional<String> target = target(record.redirect().get(), domain);
            if (target.isEmpty()) return SpfResult.of(Kind.PERMERROR, domain, "redirect= names no valid domain");
            SpfResult redirected = checkHost(target.get());
            if (redirected.kind() == Kind.NONE) {
                return SpfResult.of(Kind.PERMERROR, domain, "redirect= to " + target.get() + ", which has no SPF record");
            }
            return redirected;
        }
        return SpfResult.of(Kind.NEUTRAL, domain, "no mechanism matched in the record of " + domain); // §4.7
    }

    private Match matches(Mechanism mechanism, String domain) {
        return switch (mechanism) {
            case Mechanism.All all -> Match.YES;
            case Mechanism.Ip ip -> inNetwork(this.ip, ip.network(), ip.cidr()) ? Match.YES : Match.NO;
            case Mechanism.Include include -> include(include, domain);
            case Mechanism.A a -> {
                if (!countTerm()) yield tooMany();
                Optional<String> target = a.domainSpec().isEmpty() ? Optional.of(domain) : target(a.domainSpec().get(), domain);
                yield target.isEmpty() ? Match.NO : addressMatch(target.get(), a.cidr4(), a.cidr6(), true);
            }
            case Mechanism.Mx mx -> mx(mx, domain);
            case Mechanism.Ptr ptr -> {
                if (!countTerm()) yield tooMany();
                Optional<String> target = ptr.domainSpec().isEmpty() ? Optional.of(domain) : target(ptr.domainSpec().get(), domain);
                if (target.isEmpty()) yield Match.NO;
                List<String> names = validatedNames();
                if (voidLookups > SpfEvaluator.MAX_VOID_LOOKUPS) yield tooManyVoids();
                yield names.stream().anyMatch(n -> isSubdomain(n, target.get())) ? Match.YES : Match.NO;
            }
            case Mechanism.Exists exists -> {
                if (!countTerm()) yield tooMany();
                Optional<String> target = target(exists.domainSpec(), domain);
                if (target.isEmpty()) yield Match.NO;
                // §5.7: always an A lookup, whatever the client's address family.
                yield switch (ask(() -> resolver.a(target.get()))) {
                    case Lookup.Found<InetAddress> f -> Match.YES;
                    case Lookup.TempFail<InetAddress> t -> new Match.Abort(Kind.TEMPERROR, "DNS: " + t.reason());
                    case Lookup.NoData<InetAddress> n -> voided();
                    case Lookup.NxDomain<InetAddress> n -> voided();
                };
            }
        };
    }

    /** §5.2: the included domain's result decides whether this mechanism matches. */
    private Match include(Mechanism.Include include, String domain) {
        if (!countTerm()) return tooMany();
        Optional<String> target = target(include.domainSpec(), domain);
        if (target.isEmpty()) return new Match.Abort(Kind.PERMERROR, "include: names no valid domain");
        SpfResult included = checkHost(target.get());
        return switch (included.kind()) {
            case PASS -> Match.YES;
            case FAIL, SOFTFAIL, NEUTRAL -> Match.NO;
            case TEMPERROR -> new Match.Abort(Kind.TEMPERROR, "include:" + target.get() + ": " + included.reason());
            case PERMERROR -> new Match.Abort(Kind.PERMERROR, "include:" + target.get() + ": " + included.reason());
            case NONE -> new Match.Abort(Kind.PERMERROR, "include:" + target.get() + " has no SPF record");
        };
    }

    /** §5.4: the MX names of the target, at most 10, each looked up for the client's address family. */
    private Match mx(Mechanism.Mx mx, String domain) {
        if (!countTerm()) return tooMany();
        Optional<String> target = mx.domainSpec().isEmpty() ? Optional.of(domain) : target(mx.domainSpec().get(), domain);
        if (target.isEmpty()) return Match.NO;
        List<Mx> records;
        switch (ask(() -> resolver.mx(target.get()))) {
            case Lookup.Found<Mx> f -> records = f.records();
            case Lookup.TempFail<Mx> t -> {
                return new Match.Abort(Kind.TEMPERROR, "DNS: " + t.reason());
            }
            case Lookup.NoData<Mx> n -> {
                return voided();
            }
            case Lookup.NxDomain<Mx> n -> {
                return voided();
            }
        }
        if (records.size() > SpfEvaluator.MAX_MX_NAMES) {
            return new Match.Abort(Kind.PERMERROR, "more than " + SpfEvaluator.MAX_MX_NAMES + " MX records at " + target.get());
        }
        for (Mx record : records) {
            if (record.namesRoot()) continue; // RFC 7505 Null MX: no host
            Match m = addressMatch(record.exchange(), mx.cidr4(), mx.cidr6(), false);
            if (!(m instanceof Match.No)) return m;
        }
        return Match.NO;
    }

    /** The A or AAAA records of {@code name} (by the client's family) against the client within the CIDR length. */
    private Match addressMatch(String name, int cidr4, int cidr6, boolean countVoid) {
        boolean four = ip instanceof Inet4Address;
        Lookup<InetAddress> answer = ask(() -> four ? resolver.a(name) : resolver.aaaa(name));
        return switch (answer) {
            case Lookup.Found<InetAddress> f -> f.records().stream()
                    .anyMatch(a -> inNetwork(ip, SpfRecord.isIpv4(a) == four ? a.getAddress() : new byte[0], four ? cidr4 : cidr6))
                    ? Match.YES : Match.NO;
            case Lookup.TempFail<InetAddress> t -> new Match.Abort(Kind.TEMPERROR, "DNS: " + t.reason());
            case Lookup.NoData<InetAddress> n -> countVoid ? voided() : Match.NO;
            case Lookup.NxDomain<InetAddress> n -> countVoid ? voided() : Match.NO;
        };
    }

    /**
     * §5.5: the client's PTR names (the first 10) whose A or AAAA records hold the client's address. A failed PTR
     * lookup gives no names; a failed address lookup skips that name.
     */
    private List<String> validatedNames() {
        if (validatedNames != null) return validatedNames;
        List<String> names = new ArrayList<>();
        switch (ask(() -> resolver.ptr(ip))) {
            case Lookup.Found<String> f -> {
                boolean four = ip instanceof Inet4Address;
                for (String name : f.records().stream().limit(SpfEvaluator.MAX_PTR_NAMES).toList()) {
                    if (!isValidName(name)) continue;
                    Lookup<InetAddress> addresses = ask(() -> four ? resolver.a(name) : resolver.aaaa(name));
                    if (addresses instanceof Lookup.Found<InetAddress> a && a.records().contains(ip)) names.add(name);
                }
            }
            case Lookup.NoData<String> n -> voidLookups++;
            case Lookup.NxDomain<String> n -> voidLookups++;
            case Lookup.TempFail<String> t -> {
                // §5.5: a DNS error makes ptr not match; nothing to count
            }
        }
        validatedNames = List.copyOf(names);
        return validatedNames;
    }

    /** §7.3 {@code %{p}}: a validated name equal to the domain, else one below it, else any, else "unknown". */
    private String validatedName(String domain) {
        List<String> names = validatedNames();
        for (String n : names) if (n.equals(domain)) return n;
        for (String n : names) if (isSubdomain(n, domain)) return n;
        return names.isEmpty() ? "unknown" : names.getFirst();
    }

    /** §6.2: the explanation for a fail, or empty when exp= leads to no single well-formed TXT record. */
    private Optional<String> explain(String expSpec, String domain) {
        Optional<String> target = target(expSpec, domain);
        if (target.isEmpty()) return Optional.empty();
        if (!(ask(() -> resolver.txt(target.get())) instanceof Lookup.Found<String> found) || found.records().size() != 1) {
            return Optional.empty();
        }
        String text = found.records().getFirst();
        if (SpfMacro.syntaxError(text, true).isPresent()) return Optional.empty();
        return Optional.of(SpfMacro.expand(text, context(domain), true));
    }

    /** Expands a domain-spec (§7), shortened to 253 characters from the left (§4.8), or empty when no name results. */
    private Optional<String> target(String spec, String domain) {
        String name = SpfEvaluator.stripDot(SpfMacro.expand(spec, context(domain), false));
        while (name.length() > MAX_NAME && name.indexOf('.') >= 0) name = name.substring(name.indexOf('.') + 1);
        name = name.toLowerCase(Locale.ROOT);
        return isValidName(name) ? Optional.of(name) : Optional.empty();
    }

    private SpfMacro.Context context(String domain) {
        Supplier<String> p = () -> validatedName(domain);
        return new SpfMacro.Context(ip, sender, domain, helo, p, receiver, timestamp);
    }

    /** Asks DNS unless the time limit is reached; a resolver's refusal of a name is a name with no records. */
    private <T> Lookup<T> ask(Supplier<Lookup<T>> question) {
        if (timedOut || System.nanoTime() - deadline > 0) {
            timedOut = true;
            return new Lookup.TempFail<>("time limit reached");
        }
        try {
            return question.get();
        } catch (IllegalArgumentException e) {
            return new Lookup.NxDomain<>(java.time.Duration.ZERO); // dnsjava cannot write this name: nothing is there
        }
    }

    private boolean countTerm() {
        return ++dnsTerms <= SpfEvaluator.MAX_DNS_TERMS;
    }

    private Match voided() {
        return ++voidLookups > SpfEvaluator.MAX_VOID_LOOKUPS ? tooManyVoids() : Match.NO;
    }

    private static Match tooMany() {
        return new Match.Abort(Kind.PERMERROR, "more than " + SpfEvaluator.MAX_DNS_TERMS + " DNS-querying terms");
    }

    private static Match tooManyVoids() {
        return new Match.Abort(Kind.PERMERROR, "more than " + SpfEvaluator.MAX_VOID_LOOKUPS + " void DNS lookups");
    }

    private static SpfResult tooManyTerms(String domain) {
        return SpfResult.of(Kind.PERMERROR, domain, "more than " + SpfEvaluator.MAX_DNS_TERMS + " DNS-querying terms");
    }

    /** True when the first {@code cidr} bits of {@code address} equal those of {@code network} (same family only). */
    static boolean inNetwork(InetAddress address, byte[] network, int cidr) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = cidr / 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        int rest = cidr % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static boolean isSubdomain(String name, String domain) {
        String n = name.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        return n.equals(d) || n.endsWith("." + d);
    }

    /**
     * A name to ask DNS for: at most 253 characters, labels of 1..63 characters, no control characters and nothing
     * outside ASCII. Anything else is allowed, as §7.1 allows any visible character (and %_ a space) in a domain-spec:
     * {@code a:foo:bar/baz.example.com} is a valid target.
     */
    static boolean isValidName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) return false;
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0) return false;
                label = 0;
                continue;
            }
            if (c < 0x20 || c >= 0x7f || ++label > 63) return false;
        }
        return label > 0;
    }

    /**
     * §4.3: the domain check_host() starts from must be a multi-label domain name; an address literal
     * ({@code [192.0.2.1]}) or a name with characters no host name has gives none.
     */
    static boolean isCheckableDomain(String domain) {
        if (!isValidName(domain) || domain.indexOf('.') < 0) return false;
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) return false;
        }
        return true;
    }
}
