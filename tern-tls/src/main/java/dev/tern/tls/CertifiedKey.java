package dev.tern.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One certificate chain (leaf first) with its private key and the DNS names it answers for.
 *
 * @param names lower-case DNS names from the leaf's subjectAltName (RFC 5280 §4.2.1.6), wildcards like
 *              {@code *.example.com} included; the subject CN only when the leaf has no DNS names at all
 */
record CertifiedKey(List<X509Certificate> chain, PrivateKey key, List<String> names) {
    CertifiedKey {
        chain = List.copyOf(chain);
        names = List.copyOf(names);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty chain");
        }
    }

    X509Certificate leaf() {
        return chain.getFirst();
    }

    /** "RSA" or "EC": the key type JSSE asks a key manager for. */
    String keyType() {
        return key.getAlgorithm();
    }

    boolean matchesExactly(String host) {
        return names.contains(host);
    }

    /** RFC 6125 §6.4.3: the wildcard stands for exactly one left-most label. */
    boolean matchesWildcard(String host) {
        int dot = host.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        return names.contains("*" + host.substring(dot));
    }

    /** SHA-256 of the leaf's DER encoding, as upper-case hex pairs joined by colons. */
    String fingerprint() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(leaf().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a parsed certificate", e);
        }
    }

    static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
