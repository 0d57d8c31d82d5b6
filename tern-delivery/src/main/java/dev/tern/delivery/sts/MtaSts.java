package dev.tern.delivery.sts;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import dev.tern.mail.Domain;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policy of a recipient domain (RFC 8461 §3, §5.1):
 * <ul>
 *   <li>the {@code _mta-sts.<domain>} TXT record: exactly one {@code v=STSv1} record with an id, else no record;</li>
 *   <li>a cached policy is used while unexpired and its id is the record's; a new id or an expired policy means a
 *       new fetch;</li>
 *   <li>when the TXT lookup fails, or there is no record, a cached unexpired policy stays in force (§5.1: a
 *       removed record does not end a policy before its max_age; only a new policy with mode none does);</li>
 *   <li>when the fetch fails or its policy is invalid, a cached unexpired policy stays in force; with none, the
 *       domain has no policy now ({@link StsPolicyLookup.FetchFailed}: deliver as without, report the failure), and
 *       the fetch is not tried again for {@link StsSettings#failureBackoff()}.</li>
 * </ul>
 * Thread-safe. Two deliveries to one domain may fetch its policy at the same time; both results are the same policy.
 * Proactive refresh before expiry (§5.1 SHOULD) is not done: a policy is fetched again when a delivery needs it.
 */
public final class MtaSts {
    private static final Logger log = LoggerFactory.getLogger(MtaSts.class);

    private final Resolver resolver;
    private final StsSettings settings;
    private final PolicySource source;
    private final StsCache cache;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Domain, Failure> failures = new HashMap<>();

    private record Failure(String id, Instant until, StsPolicyLookup.FetchFailed result) {}

    /** Over the network ({@link HttpsPolicySource}), with the cache under {@link StsSettings#cacheDirectory()}. */
    public MtaSts(Resolver resolver, StsSettings settings, Clock clock) {
        this(resolver, settings, new HttpsPolicySource(resolver, settings), new StsCache(settings.cacheDirectory()), clock);
    }

    public MtaSts(Resolver resolver, StsSettings settings, PolicySource source, StsCache cache, Clock clock) {
        this.resolver = resolver;
        this.settings = settings;
        this.source = source;
        this.cache = cache;
        this.clock = clock;
    }

    /** MTA-STS turned off: every domain has no policy. */
    public static MtaSts off() {
        return new MtaSts(null, StsSettings.off(), domain -> {
            throw new IllegalStateException("MTA-STS is off");
        }, new StsCache(Optional.empty()), Clock.systemUTC());
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** The policy in force for {@code domain} now. Blocks for the DNS lookup and at most one bounded fetch. */
    public StsPolicyLookup policy(Domain domain) {
        if (!settings.enabled() || domain.isLiteral()) return new StsPolicyLookup.None("MTA-STS is off");
        Instant now = clock.instant();
        Optional<StsCache.Entry> cached = cache.get(domain).filter(e -> e.fresh(now));
        Optional<StsRecord> record;
        switch (resolver.txt("_mta-sts." + domain.name())) {
            case Lookup.Found<String> found -> record = StsRecord.select(found.records());
            case Lookup.NoData<String> none -> record = Optional.empty();
            case Lookup.NxDomain<String> none -> record = Optional.empty();
            case Lookup.TempFail<String> failed -> {
                // RFC 8461 §5.1: without the record, the cached policy (if unexpired) still holds.
                return cached.<StsPolicyLookup>map(MtaSts::inForce)
                        .orElseGet(() -> new StsPolicyLookup.None("_mta-sts lookup failed: " + failed.reason()));
            }
        }
        if (record.isEmpty()) {
            return cached.<StsPolicyLookup>map(MtaSts::inForce).orElseGet(() -> new StsPolicyLookup.None("no MTA-STS record"));
        }
        String id = record.get().id();
        if (cached.isPresent() && cached.get().id().equals(id)) return inForce(cached.get());
        Optional<StsPolicyLookup.FetchFailed> recent = recentFailure(domain, id, now);
        if (recent.isPresent()) return cached.<StsPolicyLookup>map(MtaSts::inForce).orElse(recent.get());
        StsPolicyLookup.FetchFailed failure;
        switch (source.fetch(domain)) {
            case PolicySource.Fetched.Body body -> {
                switch (StsPolicy.parse(body.text())) {
                    case StsPolicy.Parsed.Valid valid -> {
                        var entry = new StsCache.Entry(id, now, valid.policy(), body.text());
                        cache.put(domain, entry);
                        forget(domain);
                        log.info("MTA-STS policy of {} fetched id={} mode={} max_age={}", domain, id,
                                valid.policy().mode().token(), valid.policy().maxAge().toSeconds());
                        return inForce(entry);
                    }
                    case StsPolicy.Parsed.Invalid invalid ->
                            failure = new StsPolicyLookup.FetchFailed("invalid policy: " + invalid.reason(), FailureType.STS_POLICY_INVALID);
                }
            }
            case PolicySource.Fetched.Failed failed -> failure = new StsPolicyLookup.FetchFailed(failed.reason(), failed.failure());
        }
        log.info("MTA-STS policy of {} not fetched: {}", domain, failure.reason());
        remember(domain, new Failure(id, now.plus(settings.failureBackoff()), failure));
        return cached.<StsPolicyLookup>map(MtaSts::inForce).orElse(failure);
    }

    private static StsPolicyLookup inForce(StsCache.Entry entry) {
        return new StsPolicyLookup.Policy(entry.policy(), entry.id(), entry.expires());
    }

    private Optional<StsPolicyLookup.FetchFailed> recentFailure(Domain domain, String id, Instant now) {
        lock.lock();
        try {
            Failure failure = failures.get(domain);
            if (failure == null || !failure.id().equals(id) || !now.isBefore(failure.until())) return Optional.empty();
            return Optional.of(failure.result());
        } finally {
            lock.unlock();
        }
    }

    private void remember(Domain domain, Failure failure) {
        if (settings.failureBackoff().isZero()) return;
        lock.lock();
        try {
            failures.put(domain, failure);
        } finally {
            lock.unlock();
        }
    }

    private void forget(Domain domain) {
        lock.lock();
        try {
            failures.remove(domain);
        } finally {
            lock.unlock();
        }
    }

    /** For TLS-RPT's {@code policy-string}: the policy's lines. */
    public static List<String> policyStrings(StsPolicyLookup.Policy policy) {
        return policy.policy().lines();
    }
}
