package dev.tern.mailauth.dkim;

import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.HexFormat;
import java.util.List;

/**
 * A DKIM key record (RFC 6376 §3.6.1) published at {@code selector._domainkey.domain}, parsed for one signature's
 * algorithm.
 *
 * @param strict the {@code t=s} flag: {@code i=}'s domain must be {@code d=} itself
 * @param testing the {@code t=y} flag (the domain is testing DKIM; results are still reported)
 */
public record DkimKey(PublicKey publicKey, boolean strict, boolean testing) {
    /** RFC 8301 §3.2: verifiers MUST NOT consider signatures with RSA keys shorter than 1024 bits valid. */
    public static final int MIN_RSA_BITS = 1024;
    /** Bound on the work a peer can make us do (RFC 8301 §3.2 requires up to 4096). */
    public static final int MAX_RSA_BITS = 8192;
    // The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4) before the 32-octet key of RFC 8463 §4.2.
    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");

    /** The result of {@link #parse}. */
    public sealed interface Parsed {
        record Ok(DkimKey key) implements Parsed {}

        /** {@code p=} is empty: the key was revoked (§3.6.1). */
        record Revoked() implements Parsed {}

        /** The record is malformed or not usable for this signature; {@code reason} says why. */
        record Invalid(String reason) implements Parsed {}
    }

    /**
     * Asks for a key record ({@code selector._domainkey.domain} TXT) on a virtual thread of its own, so that the
     * lookups of a message's signatures overlap each other and the body (DKIM and ARC alike).
     */
    public static CompletableFuture<Lookup<String>> lookup(Resolver resolver, String name) {
        CompletableFuture<Lookup<String>> future = new CompletableFuture<>();
        Thread.ofVirtual().name("dkim-key-lookup").start(() -> {
            try {
                future.complete(resolver.txt(name));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** Parses {@code record} (a TXT record's strings joined) as the key for a signature made with {@code algorithm}. */
    public static Parsed parse(String record, SigningKey.Algorithm algorithm) {
        TagList tags;
        switch (TagList.parse(record)) {
            case TagList.Parsed.Ok ok -> tags = ok.tags();
            case TagList.Parsed.Malformed m -> {
                return new Parsed.Invalid("malformed key record: " + m.reason());
            }
        }
        // §3.6.1 v=: if present it MUST be the first tag and be "DKIM1".
        if (tags.has("v") && (!tags.get("v").orElseThrow().equals("DKIM1")
                || !tags.tags().firstEntry().getKey().equals("v"))) {
            return new Parsed.Invalid("key record v= is not DKIM1 first");
        }
        if (tags.has("h") && !listHas(tags.get("h").orElseThrow(), "sha256")) {
            return new Parsed.Invalid("key record does not allow sha256");
        }
        String k = tags.get("k").orElse("rsa");
        if (!k.equalsIgnoreCase("rsa") && !k.equalsIgnoreCase("ed25519")) {
            return new Parsed.Invalid("unknown key type k=" + k);
        }
        if (!k.equalsIgnoreCase(algorithm.keyType())) {
            return new Parsed.Invalid("key type k=" + k + " does not match a=" + algorithm.tag());
        }
        if (tags.has("s") && !listHas(tags.get("s").orElseThrow(), "*")
                && !listHas(tags.get("s").orElseThrow(), "email")) {
            return new Parsed.Invalid("key is not for email (s=)");
        }
        List<String> flags = tags.get("t").map(t -> Arrays.stream(t.split(":")).map(TagList::strip).toList())
                .orElse(List.of());
        if (!tags.has("p")) return new Parsed.Invalid("key record has no p=");
        String p = DkimSignature.noWhiteSpace(tags.get("p").orElseThrow());
        if (p.isEmpty()) return new Parsed.Revoked();
        byte[] der = DkimSignature.base64(p);
        if (der == null) return new Parsed.Invalid("p= is not base64");
        try {
            PublicKey key;
            if (algorithm == SigningKey.Algorithm.ED25519_SHA256) {
                if (der.length != 32) return new Parsed.Invalid("an Ed25519 key is 32 octets");
                byte[] spki = Arrays.copyOf(ED25519_SPKI, ED25519_SPKI.length + 32);
                System.arraycopy(der, 0, spki, ED25519_SPKI.length, 32);
                key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            } else {
                key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
                int bits = ((RSAPublicKey) key).getModulus().bitLength();
                if (bits < MIN_RSA_BITS) return new Parsed.Invalid("RSA key of " + bits + " bits (RFC 8301)");
                if (bits > MAX_RSA_BITS) return new Parsed.Invalid("RSA key of " + bits + " bits is too large");
            }
            return new Parsed.Ok(new DkimKey(key, flags.contains("s"), flags.contains("y")));
        } catch (GeneralSecurityException | ClassCastException e) {
            return new Parsed.Invalid("p= is not a usable public key");
        }
    }

    static byte[] ed25519Spki() {
        return ED25519_SPKI.clone();
    }

    private static boolean listHas(String list, String item) {
        return Arrays.stream(list.split(":")).map(TagList::strip).anyMatch(item::equalsIgnoreCase);
    }
}
