package dev.tern.mailauth.dkim;

import dev.tern.mail.Domain;
import java.security.PrivateKey;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A private key Tern signs with, and where its public half is published: {@code selector._domainkey.domain}.
 *
 * @param domain the signing domain ({@code d=}), canonical lower-case A-label form
 * @param selector the selector ({@code s=}, RFC 6376 §3.1: dot-separated sub-domain labels)
 */
public record SigningKey(String domain, String selector, Algorithm algorithm, PrivateKey privateKey) {
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** The signing algorithms Tern uses ({@code a=}): RFC 6376 §3.3 and RFC 8463 §3. */
    public enum Algorithm {
        RSA_SHA256("rsa-sha256", "rsa", "RSA"),
        ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

        private final String tag;
        private final String keyType;
        private final String jcaKeyAlgorithm;

        Algorithm(String tag, String keyType, String jcaKeyAlgorithm) {
            this.tag = tag;
            this.keyType = keyType;
            this.jcaKeyAlgorithm = jcaKeyAlgorithm;
        }

        /** The name in {@code a=}. */
        public String tag() {
            return tag;
        }

        /** The key type in a key record's {@code k=} (RFC 6376 §3.6.1, RFC 8463 §4.2). */
        public String keyType() {
            return keyType;
        }

        /** The JCA key algorithm name. */
        public String jcaKeyAlgorithm() {
            return jcaKeyAlgorithm;
        }

        public static Optional<Algorithm> of(String tag) {
            for (Algorithm a : values()) if (a.tag.equalsIgnoreCase(tag)) return Optional.of(a);
            return Optional.empty();
        }
    }

    public SigningKey {
        if (domain == null || selector == null || algorithm == null || privateKey == null) {
            throw new IllegalArgumentException("a signing key needs a domain, selector, algorithm and key");
        }
        Domain d = Domain.parse(domain);
        if (d.isLiteral()) throw new IllegalArgumentException("a signing domain is a name, not an address literal");
        domain = d.name();
        if (!SELECTOR.matcher(selector).matches()) throw new IllegalArgumentException("invalid selector");
        if (!privateKey.getAlgorithm().equalsIgnoreCase(algorithm.jcaKeyAlgorithm())
                && !(algorithm == Algorithm.ED25519_SHA256 && privateKey.getAlgorithm().equals("EdDSA"))) {
            throw new IllegalArgumentException("a " + privateKey.getAlgorithm() + " key cannot make " + algorithm.tag());
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + selector + "._domainkey." + domain + ", " + algorithm.tag() + "]";
    }
}
