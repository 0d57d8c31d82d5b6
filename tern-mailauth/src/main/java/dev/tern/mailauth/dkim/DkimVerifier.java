package dev.tern.mailauth.dkim;

import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import dev.tern.mailauth.HeaderField;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the {@code DKIM-Signature:} fields of a message as it streams in (RFC 6376 §6).
 *
 * <p>{@link #begin} parses the signatures (at most {@link #MAX_SIGNATURES}, top first; further ones are not
 * checked and not reported) and starts their key lookups at once, each on its own virtual thread, so DNS overlaps
 * the body; the body then streams through one hasher per distinct (canonicalization, {@code l=}), and
 * {@link Verification#finish} waits for the keys until the deadline and checks each signature. Every problem of the
 * message or of DNS becomes a {@link DkimResult}; nothing a peer sends makes this throw. Thread-safe; each
 * {@link Verification} belongs to one thread (the lookup threads only complete futures).
 */
public final class DkimVerifier {
    /** Signatures checked per message: a bound on the DNS and crypto work one message can cause. */
    public static final int MAX_SIGNATURES = 10;
    /** How far in the future {@code t=} may be, for clocks that disagree (RFC 6376 §3.5 t=). */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(15);
    /** Default bound on waiting for the keys in {@link Verification#finish}, counted from {@link #begin}. */
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(DkimVerifier.class);

    private final Resolver resolver;
    private final Clock clock;
    private final Duration lookupTimeout;
    /** Key records already parsed (a KeyFactory call each), by algorithm and record text; bounded, cleared when full. */
    private final Map<String, DkimKey.Parsed> parsedKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_PARSED_KEYS = 10_000;

    public DkimVerifier(Resolver resolver, Clock clock) {
        this(resolver, clock, DEFAULT_LOOKUP_TIMEOUT);
    }

    public DkimVerifier(Resolver resolver, Clock clock, Duration lookupTimeout) {
        this.resolver = resolver;
        this.clock = clock;
        this.lookupTimeout = lookupTimeout;
    }

    /** Starts verifying a message whose header section is {@code headers}. */
    public Verification begin(List<HeaderField> headers) {
        return new Verification(List.copyOf(headers));
    }

    /** Verifies a whole message in one call. */
    public List<DkimResult> verify(List<HeaderField> headers, byte[] body) {
        Verification v = begin(headers);
        v.body(body, 0, body.length);
        return v.finish();
    }

    private record BodyKey(Canonicalization canonicalization, long length) {}

    /** One message's verification: feed the body, then {@link #finish}. */
    public final class Verification {
        private final List<HeaderField> headers;
        private final List<Object> checks = new ArrayList<>(); // DkimSignature or DkimResult, in field order
        private final Map<BodyKey, BodyCanonicalizer> bodies = new LinkedHashMap<>();
        private final Map<String, CompletableFuture<Lookup<String>>> keys = new HashMap<>();
        private final long deadlineNanos;
        private boolean finished;

        private Verification(List<HeaderField> headers) {
            this.headers = headers;
            this.deadlineNanos = System.nanoTime() + lookupTimeout.toNanos();
            long now = clock.instant().getEpochSecond();
            int seen = 0;
            for (HeaderField f : headers) {
                if (!f.is("DKIM-Signature")) continue;
                if (++seen > MAX_SIGNATURES) {
                    log.debug("more than {} DKIM signatures; the rest are not checked", MAX_SIGNATURES);
                    break;
                }
                checks.add(prepare(f, now));
            }
        }

        private Object prepare(HeaderField f, long now) {
            switch (DkimSignature.parse(f)) {
                case DkimSignature.Parsed.Invalid invalid -> {
                    return invalid.result();
                }
                case DkimSignature.Parsed.Ok ok -> {
                    DkimSignature s = ok.signature();
                    // RFC 6376 §3.5 x=: a signature past its expiration is not valid (§6.1.1 PERMFAIL).
                    if (s.expiration() >= 0 && s.expiration() < now) {
                        return s.result(DkimResult.Status.PERMERROR, "signature expired");
                    }
                    // §3.5 t=: we MAY ignore signatures from the future; beyond the skew that is our policy.
                    if (s.timestamp() >= 0 && s.timestamp() > now + CLOCK_SKEW.toSeconds()) {
                        return s.result(DkimResult.Status.POLICY, "signature timestamp in the future");
                    }
                    bodies.computeIfAbsent(new BodyKey(s.bodyCanonicalization(), s.length()),
                            k -> k.canonicalization().body(DkimSigner.sha256(), k.length()));
                    keys.computeIfAbsent(s.selector() + "._domainkey." + s.domain(), this::lookup);
                    return s;
                }
            }
        }

        private CompletableFuture<Lookup<String>> lookup(String name) {
            return DkimKey.lookup(resolver, name);
        }

        /** Feeds body octets. */
        public void body(byte[] b, int off, int len) {
            for (BodyCanonicalizer c : bodies.values()) c.update(b, off, len);
        }

        /** Finishes the body, waits for the keys (within the deadline) and returns one result per signature. */
        public List<DkimResult> finish() {
            if (finished) throw new IllegalStateException("already finished");
            finished = true;
            Map<BodyKey, byte[]> hashes = new HashMap<>();
            Map<BodyKey, Long> lengths = new HashMap<>();
            bodies.forEach((k, c) -> {
                hashes.put(k, c.finish());
                lengths.put(k, c.length());
            });
            List<DkimResult> results = new ArrayList<>(checks.size());
            for (Object check : checks) {
                results.add(switch (check) {
                    case DkimResult r -> r;
                    case DkimSignature s -> {
                        BodyKey k = new BodyKey(s.bodyCanonicalization(), s.length());
                        yield check(s, hashes.get(k), lengths.get(k));
                    }
                    default -> throw new IllegalStateException("unexpected check " + check);
                });
            }
            keys.values().forEach(f -> f.cancel(false));
            return List.copyOf(results);
        }

        private DkimResult check(DkimSignature s, byte[] bodyHash, long bodyLength) {
            DkimKey key;
            switch (key(s)) {
                case DkimResult r -> {
                    return r;
                }
                case DkimKey k -> key = k;
                default -> throw new IllegalStateException();
            }
            // RFC 6376 §3.6.1 t=s: i= must be in d= itself, not a subdomain.
            if (key.strict() && !s.identity().substring(s.identity().lastIndexOf('@') + 1)
                    .equalsIgnoreCase(s.domain())) {
                return s.result(DkimResult.Status.PERMERROR, "key requires i= domain to equal d= (t=s)");
            }
            // §3.5 l=: a body shorter than l= cannot have been signed with that count.
            if (s.length() >= 0 && bodyLength < s.length()) {
                return s.result(DkimResult.Status.FAIL, "body shorter than l=");
            }
            if (!MessageDigest.isEqual(bodyHash, s.bodyHash())) {
                return s.result(DkimResult.Status.FAIL, "body hash did not verify");
            }
            byte[] data = SignedHeaders.data(headers, s.headerNames(), s.headerCanonicalization(),
                    SignedHeaders.withoutB(s.field().rawLatin1()));
            if (!verifies(s, key, data)) return s.result(DkimResult.Status.FAIL, "signature did not verify");
            return s.result(DkimResult.Status.PASS, key.testing() ? "good signature (key in test mode)"
                    : "good signature");
        }

        /** The key for {@code s}, or the result that its absence or badness earns. */
        private Object key(DkimSignature s) {
            CompletableFuture<Lookup<String>> future = keys.get(s.selector() + "._domainkey." + s.domain());
            Lookup<String> lookup;
            try {
                long wait = Math.max(0, deadlineNanos - System.nanoTime());
                lookup = future.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return s.result(DkimResult.Status.TEMPERROR, "key lookup timed out");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s.result(DkimResult.Status.TEMPERROR, "interrupted during key lookup");
            } catch (ExecutionException e) {
                return e.getCause() instanceof IllegalArgumentException
                        ? s.result(DkimResult.Status.PERMERROR, "key name is not a DNS name")
                        : s.result(DkimResult.Status.TEMPERROR, "key lookup failed");
            }
            return switch (lookup) {
                case Lookup.TempFail<String> t -> s.result(DkimResult.Status.TEMPERROR, "key lookup failed");
                case Lookup.NxDomain<String> n -> s.result(DkimResult.Status.PERMERROR, "no key for signature");
                case Lookup.NoData<String> n -> s.result(DkimResult.Status.PERMERROR, "no key for signature");
                // RFC 6376 §3.6.2.2: with several records a verifier may use any one; we take the first.
                case Lookup.Found<String> f -> switch (parsed(f.records().getFirst(), s.algorithm())) {
                    case DkimKey.Parsed.Ok ok -> ok.key();
                    // §6.1.2 step 6: an empty p= means the key was revoked; RFC 8601 "fail".
                    case DkimKey.Parsed.Revoked r -> s.result(DkimResult.Status.FAIL, "key revoked");
                    case DkimKey.Parsed.Invalid i -> s.result(DkimResult.Status.PERMERROR, i.reason());
                };
            };
        }
    }

    /** {@link DkimKey#parse}, remembered: the same few keys sign most mail, and parsing one costs a KeyFactory call. */
    private DkimKey.Parsed parsed(String record, SigningKey.Algorithm algorithm) {
        String cacheKey = algorithm.tag() + " " + record;
        DkimKey.Parsed known = parsedKeys.get(cacheKey);
        if (known != null) return known;
        DkimKey.Parsed parsed = DkimKey.parse(record, algorithm);
        if (parsedKeys.size() >= MAX_PARSED_KEYS) parsedKeys.clear();
        parsedKeys.put(cacheKey, parsed);
        return parsed;
    }

    private static boolean verifies(DkimSignature s, DkimKey key, byte[] data) {
        try {
            if (s.algorithm() == SigningKey.Algorithm.ED25519_SHA256) {
                // RFC 8463 §3: Ed25519 over the SHA-256 hash; Bouncy Castle's is faster than the JDK's.
                byte[] hash = DkimSigner.sha256().digest(data);
                byte[] raw = DkimKeys.publicKeyData(key.publicKey());
                return s.b().length == Ed25519.SIGNATURE_SIZE
                        && new Ed25519PublicKeyParameters(raw).verify(Ed25519.Algorithm.Ed25519, null, hash, 0,
                                hash.length, s.b(), 0);
            }
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(key.publicKey());
            v.update(data);
            return v.verify(s.b());
        } catch (GeneralSecurityException | RuntimeException e) {
            log.debug("signature check error for d={} s={}: {}", s.domain(), s.selector(), e.toString());
            return false; // a malformed signature value is a failed signature
        }
    }
}
