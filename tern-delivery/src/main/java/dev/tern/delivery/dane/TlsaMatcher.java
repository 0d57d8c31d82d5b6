package dev.tern.delivery.dane;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Matches a server's certificate chain against TLSA records (RFC 6698 §2.1, as RFC 7672 §3.1 restricts it for SMTP).
 *
 * <ul>
 *   <li>DANE-EE(3): the leaf's certificate (selector 0) or SubjectPublicKeyInfo (1) matches; no name, expiry or
 *       chain check (RFC 7672 §3.1.1).</li>
 *   <li>DANE-TA(2): a certificate of the chain matches, or with selector 1 and matching type 0 the record holds the
 *       trust anchor's whole public key and the server left the anchor out (RFC 7672 §3.1.2); the leaf chains to it
 *       (signatures checked by the JDK's PKIX validator, revocation off), is within its validity, and names one of
 *       the reference identifiers (RFC 7672 §3.2.3, RFC 6125 §6.4).</li>
 *   <li>PKIX-TA(0), PKIX-EE(1) and unknown usages, selectors or matching types never match (RFC 7672 §3.1.3); nor does
 *       a digest of the wrong length (RFC 7671 §5.1: malformed).</li>
 * </ul>
 * Stateless apart from the clock; thread-safe.
 */
public final class TlsaMatcher {
    /** RFC 6125 §6.4.3 and RFC 7672 §3.2.3: only the whole leftmost label may be a wildcard. */
    private static final String WILDCARD = "*.";
    /** A certificate chain from a peer longer than this is not examined (a legitimate one has 2 to 4). */
    private static final int MAX_CHAIN = 10;

    private final Clock clock;

    public TlsaMatcher(Clock clock) {
        this.clock = clock;
    }

    /** Whether {@code chain} (leaf first) matches one usable record of {@code decision}. Never throws for bad input. */
    public boolean matches(X509Certificate[] chain, DaneDecision.Authenticate decision) {
        if (chain.length == 0 || chain.length > MAX_CHAIN) return false;
        for (Tlsa record : decision.records()) {
            if (!record.usable()) continue;
            boolean match = switch (record.usage()) {
                case Tlsa.DANE_EE -> associated(chain[0], record);
                case Tlsa.DANE_TA -> trustAnchorMatches(chain, record, decision.names());
                default -> false;
            };
            if (match) return true;
        }
        return false;
    }

    private boolean trustAnchorMatches(X509Certificate[] chain, Tlsa record, List<String> names) {
        X509Certificate leaf = chain[0];
        if (!withinValidity(leaf) || !namesOne(leaf, names)) return false;
        for (int i = 1; i < chain.length; i++) {
            if (associated(chain[i], record) && chainsTo(Arrays.copyOf(chain, i), new TrustAnchor(chain[i], null))) {
                return true;
            }
        }
        // RFC 7672 §3.1.2: a TA's public key in full (2 1 0) lets the server omit the TA certificate itself.
        if (record.selector() == 1 && record.matchingType() == 0) {
            X509Certificate top = chain[chain.length - 1];
            PublicKey key = publicKey(record.data());
            return key != null && chainsTo(chain, new TrustAnchor(top.getIssuerX500Principal(), key, null));
        }
        return false;
    }

    /** RFC 6698 §2.1.2–2.1.3: the selected part of {@code cert}, exactly or by digest, equals the record's data. */
    static boolean associated(X509Certificate cert, Tlsa record) {
        byte[] selected;
        try {
            selected = record.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
        } catch (CertificateEncodingException e) {
            return false; // a certificate we cannot encode matches nothing
        }
        byte[] expected = record.data();
        byte[] actual = switch (record.matchingType()) {
            case 0 -> selected;
            case 1 -> digest("SHA-256", selected);
            case 2 -> digest("SHA-512", selected);
            default -> null;
        };
        return actual != null && MessageDigest.isEqual(actual, expected);
    }

    private boolean chainsTo(X509Certificate[] path, TrustAnchor anchor) {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(List.of(path));
            PKIXParameters params = new PKIXParameters(Set.of(anchor));
            params.setRevocationEnabled(false); // RFC 7672 §3.1.2: DANE-TA says nothing of revocation
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a path that does not validate (or does not even parse) does not chain
        }
    }

    private boolean withinValidity(X509Certificate leaf) {
        try {
            leaf.checkValidity(Date.from(clock.instant()));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * RFC 7672 §3.2.3 with RFC 6125 §6.4: a DNS-ID (subjectAltName dNSName) equals a reference identifier, or is a
     * wildcard standing for exactly its leftmost label; only when there is no DNS-ID the subject's CN is used.
     */
    static boolean namesOne(X509Certificate leaf, List<String> references) {
        List<String> presented = dnsIds(leaf);
        if (presented.isEmpty()) presented = commonNames(leaf.getSubjectX500Principal());
        for (String id : presented) {
            for (String ref : references) {
                if (nameMatches(normalize(id), normalize(ref))) return true;
            }
        }
        return false;
    }

    static boolean nameMatches(String presented, String reference) {
        if (presented.isEmpty() || reference.isEmpty()) return false;
        if (presented.startsWith(WILDCARD)) {
            String suffix = presented.substring(1); // ".example.com"
            if (suffix.indexOf('*') >= 0 || suffix.chars().filter(c -> c == '.').count() < 2) return false;
            int dot = reference.indexOf('.');
            return dot > 0 && reference.substring(dot).equals(suffix);
        }
        return presented.indexOf('*') < 0 && presented.equals(reference);
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static List<String> dnsIds(X509Certificate cert) {
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of(); // an unparseable extension presents no name
        }
        if (names == null) return List.of();
        return names.stream()
                .filter(n -> n.size() >= 2 && Integer.valueOf(2).equals(n.get(0)) && n.get(1) instanceof String)
                .map(n -> (String) n.get(1)).toList();
    }

    private static List<String> commonNames(X500Principal subject) {
        try {
            return new LdapName(subject.getName(X500Principal.RFC2253)).getRdns().stream()
                    .filter(r -> r.getType().equalsIgnoreCase("CN")).map(Rdn::getValue)
                    .filter(String.class::isInstance).map(String.class::cast).toList();
        } catch (InvalidNameException e) {
            return List.of();
        }
    }

    private static PublicKey publicKey(byte[] spki) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not a key of this algorithm: try the next
            }
        }
        return null;
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is required of every JDK", e);
        }
    }
}
