package dev.tern.mailauth.arc;

import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.dkim.BodyCanonicalizer;
import dev.tern.mailauth.dkim.Canonicalization;
import dev.tern.mailauth.dkim.DkimKey;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Validates the Authenticated Received Chain of a message as it streams in (RFC 8617 §5.2).
 *
 * <p>{@link #begin} collects the ARC Sets and decides what it can from the header section alone: no set is
 * {@code none}; more than 50 sets, a missing or duplicate field or instance, a malformed seal, a {@code cv=} other
 * than {@code none} for i=1 and {@code pass} after it, or a newest seal saying {@code fail} is {@code fail}. It then
 * starts the key lookups (each on its own virtual thread, so DNS overlaps the body): the newest
 * ARC-Message-Signature's, every ARC-Seal's, and as many older ARC-Message-Signatures' as the bounds allow, for
 * {@code oldest-pass}. {@link Verification#finish} checks the newest AMS with its body hash (§5.2 step 4), the older
 * ones for {@code oldest-pass} (step 5) and every seal from the newest down (step 6). A failed key lookup, even a
 * temporary one, fails the chain: the {@code arc} method has no temperror. Nothing a peer sends makes this throw.
 * Thread-safe; each {@link Verification} belongs to one thread.
 */
public final class ArcVerifier {
    /** Distinct key names looked up per message: the bound on the DNS work one message can cause. */
    public static final int MAX_KEYS = 16;
    /** Distinct body canonicalizations (c=, l=) hashed per message. */
    public static final int MAX_BODY_HASHES = 4;
    /** Default bound on waiting for the keys in {@link Verification#finish}, counted from {@link #begin}. */
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    private final Resolver resolver;
    private final Clock clock;
    private final Duration lookupTimeout;

    public ArcVerifier(Resolver resolver, Clock clock) {
        this(resolver, clock, DEFAULT_LOOKUP_TIMEOUT);
    }

    public ArcVerifier(Resolver resolver, Clock clock, Duration lookupTimeout) {
        this.resolver = resolver;
        this.clock = clock;
        this.lookupTimeout = lookupTimeout;
    }

    /** Starts validating a message whose header section is {@code headers}. */
    public Verification begin(List<HeaderField> headers) {
        return new Verification(List.copyOf(headers));
    }

    /** Validates a whole message in one call. */
    public ArcResult verify(List<HeaderField> headers, byte[] body) {
        Verification v = begin(headers);
        v.body(body, 0, body.length);
        return v.finish();
    }

    private record BodyKey(Canonicalization canonicalization, long length) {}

    /** One message's validation: feed the body, then {@link #finish}. */
    public final class Verification {
        private final List<HeaderField> headers;
        private final long deadlineNanos;
        private final Map<BodyKey, BodyCanonicalizer> bodies = new LinkedHashMap<>();
        private final Map<String, CompletableFuture<Lookup<String>>> keys = new HashMap<>();
        private final List<ArcSeal> seals = new ArrayList<>();
        private final Map<Integer, ArcMessageSignature> signatures = new HashMap<>(); // the ones to check
        private List<ArcSet> sets = List.of();
        private List<ArcResult.Hop> hops = List.of();
        private ArcResult early; // decided from the header section alone
        private boolean finished;

        private Verification(List<HeaderField> headers) {
            this.headers = headers;
            this.deadlineNanos = System.nanoTime() + lookupTimeout.toNanos();
            switch (ArcSets.collect(headers)) {
                case ArcSets.Collected.None n -> early = ArcResult.none();
                case ArcSets.Collected.Broken b -> early = ArcResult.fail(ArcSets.highestInstance(headers), List.of(),
                        b.reason());
                case ArcSets.Collected.Chain c -> early = prepare(c.sets());
            }
            if (early != null) cancelLookups();
        }

        /** Parses the chain and starts its lookups; returns the result when the header section decides it. */
        private ArcResult prepare(List<ArcSet> chain) {
            sets = chain;
            int n = chain.size();
            for (ArcSet s : chain) {
                switch (ArcSeal.parse(s.seal())) {
                    case Parsed.Ok<ArcSeal> ok -> seals.add(ok.value());
                    case Parsed.Invalid<ArcSeal> bad -> {
                        return ArcResult.fail(n, List.of(), "i=" + s.instance() + ": " + bad.reason());
                    }
                }
            }
            List<Parsed<ArcMessageSignature>> ams = chain.stream().map(s -> ArcMessageSignature.parse(
                    s.messageSignature())).toList();
            hops = hops(chain, ams);
            // §5.2 step 2: a chain its newest sealer marked failed stays failed.
            if (seals.getLast().cv() == ChainValidation.FAIL) {
                return ArcResult.fail(n, hops, "the newest ARC-Seal says cv=fail");
            }
            // §5.2 step 3.3: cv=none for the first set, pass for every later one.
            for (ArcSeal seal : seals) {
                ChainValidation expected = seal.instance() == 1 ? ChainValidation.NONE : ChainValidation.PASS;
                if (seal.cv() != expected) {
                    return ArcResult.fail(n, hops, "ARC-Seal i=" + seal.instance() + " says cv=" + seal.cv().tag());
                }
            }
            long now = clock.instant().getEpochSecond();
            ArcMessageSignature newest;
            switch (ams.getLast()) {
                case Parsed.Ok<ArcMessageSignature> ok -> newest = ok.value();
                case Parsed.Invalid<ArcMessageSignature> bad -> {
                    return ArcResult.fail(n, hops, "i=" + n + ": " + bad.reason());
                }
            }
            if (expired(newest, now)) return ArcResult.fail(n, hops, "ARC-Message-Signature i=" + n + " expired");
            Set<String> names = new LinkedHashSet<>();
            names.add(newest.tags().keyName());
            for (ArcSeal seal : seals) names.add(seal.tags().keyName());
            if (names.size() > MAX_KEYS) return ArcResult.fail(n, hops, "more than " + MAX_KEYS + " ARC keys");
            names.forEach(name -> keys.computeIfAbsent(name, this::lookup));
            register(newest);
            // §5.2 step 5 needs the older signatures, as far as the bounds allow; the first one not checked ends
            // the run of passing signatures.
            for (int k = n - 1; k >= 1; k--) {
                if (!(ams.get(k - 1) instanceof Parsed.Ok<ArcMessageSignature> ok) || expired(ok.value(), now)) break;
                ArcMessageSignature older = ok.value();
                boolean newKey = !keys.containsKey(older.tags().keyName());
                boolean newBody = !bodies.containsKey(bodyKey(older));
                if ((newKey && keys.size() >= MAX_KEYS) || (newBody && bodies.size() >= MAX_BODY_HASHES)) break;
                keys.computeIfAbsent(older.tags().keyName(), this::lookup);
                register(older);
            }
            return null;
        }

        private void register(ArcMessageSignature s) {
            signatures.put(s.instance(), s);
            bodies.computeIfAbsent(bodyKey(s), k -> k.canonicalization().body(ArcSigning.sha256(), k.length()));
        }

        private CompletableFuture<Lookup<String>> lookup(String name) {
            return DkimKey.lookup(resolver, name);
        }

        /** Feeds body octets. */
        public void body(byte[] b, int off, int len) {
            if (finished) throw new IllegalStateException("already finished");
            for (BodyCanonicalizer c : bodies.values()) c.update(b, off, len);
        }

        /** Finishes the body, waits for the keys (within the deadline) and returns the chain's status. */
        public ArcResult finish() {
            if (finished) throw new IllegalStateException("already finished");
            finished = true;
            if (early != null) return early;
            try {
                return check();
            } finally {
                cancelLookups();
            }
        }

        private ArcResult check() {
            Map<BodyKey, byte[]> hashes = new HashMap<>();
            Map<BodyKey, Long> lengths = new HashMap<>();
            bodies.forEach((k, c) -> {
                hashes.put(k, c.finish());
                lengths.put(k, c.length());
            });
            int n = sets.size();
            // §5.2 step 4: the newest AMS must verify.
            String failure = checkSignature(signatures.get(n), hashes, lengths);
            if (failure != null) return ArcResult.fail(n, hops, "ARC-Message-Signature i=" + n + ": " + failure);
            // §5.2 step 5: oldest-pass, the start of the run of older AMS that still verify (0 when all do).
            int oldestPass = 0;
            for (int k = n - 1; k >= 1; k--) {
                ArcMessageSignature s = signatures.get(k);
                if (s == null || checkSignature(s, hashes, lengths) != null) {
                    oldestPass = k + 1;
                    break;
                }
            }
            // §5.2 step 6: every seal, newest first.
            for (int k = n; k >= 1; k--) {
                failure = checkSeal(k);
                if (failure != null) return ArcResult.fail(n, hops, "ARC-Seal i=" + k + ": " + failure);
            }
            return new ArcResult(ArcResult.Status.PASS, n, hops, oldestPass, n + " ARC Set" + (n == 1 ? "" : "s")
                    + " verified");
        }

        /** Null when the AMS verifies, otherwise why not. */
        private String checkSignature(ArcMessageSignature s, Map<BodyKey, byte[]> hashes, Map<BodyKey, Long> lengths) {
            BodyKey bk = bodyKey(s);
            if (s.length() >= 0 && lengths.get(bk) < s.length()) return "body shorter than l=";
            if (!MessageDigest.isEqual(hashes.get(bk), s.bodyHash())) return "body hash did not verify";
            PublicKey key;
            switch (key(s.tags())) {
                case Parsed.Ok<PublicKey> ok -> key = ok.value();
                case Parsed.Invalid<PublicKey> bad -> {
                    return bad.reason();
                }
            }
            byte[] data = ArcSigning.messageSignatureData(headers, s.headerNames(), s.headerCanonicalization(),
                    ArcSigning.withoutB(s.tags().field().rawLatin1()));
            return ArcSigning.verifies(s.tags().algorithm(), key, data, s.tags().b()) ? null
                    : "signature did not verify";
        }

        /** Null when seal {@code k} verifies over sets 1..k (§5.1.1), otherwise why not. */
        private String checkSeal(int k) {
            ArcSeal seal = seals.get(k - 1);
            PublicKey key;
            switch (key(seal.tags())) {
                case Parsed.Ok<PublicKey> ok -> key = ok.value();
                case Parsed.Invalid<PublicKey> bad -> {
                    return bad.reason();
                }
            }
            ArcSet set = sets.get(k - 1);
            byte[] data = ArcSigning.sealData(sets.subList(0, k - 1), set.authenticationResults(),
                    set.messageSignature(), ArcSigning.withoutB(set.seal().rawLatin1()));
            return ArcSigning.verifies(seal.tags().algorithm(), key, data, seal.tags().b()) ? null
                    : "signature did not verify";
        }

        private Parsed<PublicKey> key(ArcSignatureTags t) {
            CompletableFuture<Lookup<String>> future = keys.get(t.keyName());
            if (future == null) return new Parsed.Invalid<>("key not looked up");
            Lookup<String> lookup;
            try {
                long wait = Math.max(0, deadlineNanos - System.nanoTime());
                lookup = future.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return new Parsed.Invalid<>("key lookup timed out");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Parsed.Invalid<>("interrupted while waiting for the key");
            } catch (ExecutionException e) {
                return new Parsed.Invalid<>(e.getCause() instanceof IllegalArgumentException
                        ? "key name is not a DNS name" : "key lookup failed");
            }
            return switch (lookup) {
                case Lookup.TempFail<String> f -> new Parsed.Invalid<>("key lookup failed (temporarily)");
                case Lookup.NxDomain<String> f -> new Parsed.Invalid<>("no key at " + t.keyName());
                case Lookup.NoData<String> f -> new Parsed.Invalid<>("no key at " + t.keyName());
                // RFC 8617 §4.1.3: the keys are DKIM key records (RFC 6376 §3.6.1); the first record is used.
                case Lookup.Found<String> f -> switch (DkimKey.parse(f.records().getFirst(), t.algorithm())) {
                    case DkimKey.Parsed.Ok ok -> new Parsed.Ok<>(ok.key().publicKey());
                    case DkimKey.Parsed.Revoked r -> new Parsed.Invalid<>("key revoked");
                    case DkimKey.Parsed.Invalid i -> new Parsed.Invalid<>(i.reason());
                };
            };
        }

        private void cancelLookups() {
            keys.values().forEach(f -> f.cancel(false));
        }
    }

    private static boolean expired(ArcMessageSignature s, long now) {
        return s.expiration() >= 0 && s.expiration() < now; // RFC 6376 §3.5 x=
    }

    private static BodyKey bodyKey(ArcMessageSignature s) {
        return new BodyKey(s.bodyCanonicalization(), s.length());
    }

    private static List<ArcResult.Hop> hops(List<ArcSet> sets, List<Parsed<ArcMessageSignature>> ams) {
        List<ArcResult.Hop> hops = new ArrayList<>(sets.size());
        for (ArcSet s : sets) {
            // Seals were parsed first; a chain that reaches here has them all.
            ArcSeal seal = ((Parsed.Ok<ArcSeal>) ArcSeal.parse(s.seal())).value();
            String signatureDomain = ams.get(s.instance() - 1) instanceof Parsed.Ok<ArcMessageSignature> ok
                    ? ok.value().tags().domain() : "";
            hops.add(new ArcResult.Hop(s.instance(), seal.cv(), seal.tags().domain(), signatureDomain,
                    s.authservId(), s.results()));
        }
        return List.copyOf(hops);
    }
}
