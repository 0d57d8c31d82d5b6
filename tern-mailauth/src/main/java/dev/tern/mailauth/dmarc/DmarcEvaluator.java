package dev.tern.mailauth.dmarc;

import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import dev.tern.mailauth.dmarc.DmarcRecord.Alignment;
import dev.tern.mailauth.dmarc.DmarcResult.Disposition;
import dev.tern.mailauth.dmarc.DmarcResult.Kind;
import dev.tern.mailauth.dmarc.DmarcResult.PolicySource;
import dev.tern.mailauth.psl.PublicSuffixList;
import dev.tern.mailauth.spf.SpfResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DMARC evaluation (RFC 7489 §6.6): policy discovery at {@code _dmarc.<From domain>} and then at
 * {@code _dmarc.<Organizational Domain>} (§6.6.3), identifier alignment of SPF and DKIM (§3.1), and the disposition
 * after {@code pct} sampling (§6.6.4), with RFC 9091's {@code np} for From domains that do not exist.
 *
 * <p>Thread-safe if the percentile source is. At most five DNS questions per message (two TXT, and A, AAAA and MX
 * when a record's {@code np} makes existence matter), each bounded by the resolver.
 */
public final class DmarcEvaluator {
    private static final Logger log = LoggerFactory.getLogger(DmarcEvaluator.class);

    private final Resolver resolver;
    private final PublicSuffixList psl;
    private final IntSupplier percentile;

    /** @param percentile draws a number in 0..99 for {@code pct} sampling; a test passes a fixed one */
    public DmarcEvaluator(Resolver resolver, PublicSuffixList psl, IntSupplier percentile) {
        this.resolver = Objects.requireNonNull(resolver);
        this.psl = Objects.requireNonNull(psl);
        this.percentile = Objects.requireNonNull(percentile);
    }

    public DmarcEvaluator(Resolver resolver, PublicSuffixList psl, RandomGenerator random) {
        this(resolver, psl, () -> random.nextInt(100));
    }

    public DmarcEvaluator(Resolver resolver, PublicSuffixList psl) {
        this(resolver, psl, RandomGenerator.getDefault());
    }

    /**
     * @param fromDomain      the RFC5322.From domain ({@link FromDomain.Found#domain()})
     * @param spf             the SPF identity checked (MAIL FROM, or HELO for the null reverse-path), if any
     * @param dkimPassDomains the {@code d=} of each DKIM signature that verified
     */
    public DmarcResult evaluate(String fromDomain, Optional<SpfIdentity> spf, List<String> dkimPassDomains) {
        String from;
        String organizational;
        try {
            from = normalize(fromDomain);
            organizational = psl.organizationalDomain(from);
        } catch (IllegalArgumentException e) {
            return DmarcResult.without(Kind.PERMERROR, fromDomain, "the From domain is no domain name");
        }
        DmarcResult result = evaluate(from, organizational, spf, dkimPassDomains);
        log.debug("DMARC {} for {} ({}): {}", result.kind().token(), from, result.disposition().token(), result.reason());
        return result;
    }

    private DmarcResult evaluate(String from, String organizational, Optional<SpfIdentity> spf, List<String> dkim) {
        String policyDomain = from;
        Discovery found = discover(from);
        if (found instanceof Discovery.Absent && !organizational.equals(from)) {
            policyDomain = organizational;
            found = discover(organizational);
        }
        String record;
        switch (found) {
            case Discovery.TempFail t -> {
                return DmarcResult.without(Kind.TEMPERROR, from, "DNS: " + t.reason());
            }
            case Discovery.Absent a -> {
                return DmarcResult.without(Kind.NONE, from, "no DMARC record for " + from);
            }
            case Discovery.Several s -> {
                // §6.6.3 step 3: several records end discovery; DMARC is not applied.
                return DmarcResult.without(Kind.NONE, from, "several DMARC records at _dmarc." + s.domain());
            }
            case Discovery.One one -> record = one.text();
        }
        DmarcRecord parsed;
        switch (DmarcRecord.parse(record)) {
            case DmarcRecord.Parsed.Invalid invalid -> {
                return DmarcResult.without(Kind.PERMERROR, from,
                        "invalid DMARC record at _dmarc." + policyDomain + ": " + invalid.reason());
            }
            case DmarcRecord.Parsed.Valid valid -> parsed = valid.record();
        }
        boolean spfAligned = spf.isPresent() && spf.get().result() == SpfResult.Kind.PASS
                && aligned(spf.get().domain(), from, parsed.spfAlignment());
        boolean dkimAligned = dkim.stream().anyMatch(d -> aligned(d, from, parsed.dkimAlignment()));
        PolicySource source = policyDomain.equals(from) ? PolicySource.P : subdomainSource(from, parsed);
        DmarcRecord.Policy policy = parsed.policyFor(source);
        if (spfAligned || dkimAligned) {
            return new DmarcResult(Kind.PASS, from, Disposition.NONE, Optional.of(policy), Optional.of(source),
                    Optional.of(policyDomain), spfAligned, dkimAligned, parsed.rua(),
                    (dkimAligned ? "DKIM" : "SPF") + " aligned with " + from);
        }
        Disposition disposition = disposition(policy, parsed.percent());
        String why = "neither SPF nor DKIM aligned with " + from + "; " + source.token() + "=" + policy.token()
                + (disposition.name().equals(policy.name()) ? "" : ", sampled out by pct=" + parsed.percent());
        return new DmarcResult(Kind.FAIL, from, disposition, Optional.of(policy), Optional.of(source),
                Optional.of(policyDomain), false, false, parsed.rua(), why);
    }

    /** §6.6.4 and §6.3 pct: a failure outside the sample is treated one step milder. */
    private Disposition disposition(DmarcRecord.Policy policy, int percent) {
        boolean applied = percent >= 100 || (percent > 0 && percentile.getAsInt() < percent);
        return switch (policy) {
            case NONE -> Disposition.NONE;
            case QUARANTINE -> applied ? Disposition.QUARANTINE : Disposition.NONE;
            case REJECT -> applied ? Disposition.REJECT : Disposition.QUARANTINE;
        };
    }

    /** RFC 9091 §4.1: {@code np} applies to a From domain with no A, AAAA or MX (NXDOMAIN or NODATA for all three). */
    private PolicySource subdomainSource(String from, DmarcRecord record) {
        if (record.nonexistentPolicy().isEmpty()) return PolicySource.SP;
        try {
            boolean absent = isVoid(resolver.a(from)) && isVoid(resolver.aaaa(from)) && isVoid(resolver.mx(from));
            return absent ? PolicySource.NP : PolicySource.SP;
        } catch (IllegalArgumentException e) {
            return PolicySource.SP; // a name DNS cannot carry was never asked about: treat it as existing
        }
    }

    private static boolean isVoid(Lookup<?> lookup) {
        return lookup instanceof Lookup.NxDomain<?> || lookup instanceof Lookup.NoData<?>;
    }

    /** §3.1: strict is the same name; relaxed is the same Organizational Domain. */
    boolean aligned(String authenticated, String from, Alignment mode) {
        try {
            String a = normalize(authenticated);
            return switch (mode) {
                case STRICT -> a.equals(from);
                case RELAXED -> psl.organizationalDomain(a).equals(psl.organizationalDomain(from));
            };
        } catch (IllegalArgumentException e) {
            return false; // an identifier that is no domain name aligns with nothing
        }
    }

    private sealed interface Discovery {
        record One(String text) implements Discovery {}

        record Several(String domain) implements Discovery {}

        record Absent() implements Discovery {}

        record TempFail(String reason) implements Discovery {}
    }

    private Discovery discover(String domain) {
        Lookup<String> answer;
        try {
            answer = resolver.txt("_dmarc." + domain);
        } catch (IllegalArgumentException e) {
            return new Discovery.Absent(); // a name DNS cannot carry has no record
        }
        return switch (answer) {
            case Lookup.TempFail<String> t -> new Discovery.TempFail(t.reason());
            case Lookup.NxDomain<String> n -> new Discovery.Absent();
            case Lookup.NoData<String> n -> new Discovery.Absent();
            case Lookup.Found<String> f -> {
                List<String> dmarc = new ArrayList<>();
                for (String txt : f.records()) if (DmarcRecord.isDmarc(txt)) dmarc.add(txt);
                yield dmarc.isEmpty() ? new Discovery.Absent()
                        : dmarc.size() > 1 ? new Discovery.Several(domain) : new Discovery.One(dmarc.getFirst());
            }
        };
    }

    private static String normalize(String domain) {
        String d = domain.strip();
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        boolean ascii = d.chars().allMatch(c -> c < 0x80);
        return ascii ? d.toLowerCase(Locale.ROOT) : java.net.IDN.toASCII(d, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }
}
