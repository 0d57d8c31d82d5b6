package dev.tern.delivery.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TLSA matching (RFC 6698 §2.1, RFC 7672 §3.1 and §3.2) over certificates made here with Bouncy Castle. */
class TlsaMatcherTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final TlsaMatcher MATCHER = new TlsaMatcher(Clock.fixed(NOW, ZoneOffset.UTC));

    /** Certificates by the label the table rows use. */
    private static final Map<String, X509Certificate> CERTS = new java.util.HashMap<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        KeyPair caKey = keyPair();
        KeyPair otherCaKey = keyPair();
        KeyPair leafKey = keyPair();
        X509Certificate ca = certificate("CN=Test TA", caKey, "CN=Test TA", caKey, true, NOW, List.of());
        CERTS.put("ca", ca);
        CERTS.put("other-ca", certificate("CN=Test TA", otherCaKey, "CN=Test TA", otherCaKey, true, NOW, List.of()));
        CERTS.put("leaf", certificate("CN=mx.dane.test", leafKey, "CN=Test TA", caKey, false, NOW,
                List.of("mx.dane.test")));
        CERTS.put("expired", certificate("CN=mx.dane.test", leafKey, "CN=Test TA", caKey, false,
                NOW.minus(Duration.ofDays(400)), List.of("mx.dane.test")));
        CERTS.put("wildcard", certificate("CN=wild", leafKey, "CN=Test TA", caKey, false, NOW, List.of("*.dane.test")));
        CERTS.put("cn-only", certificate("CN=mx.dane.test", leafKey, "CN=Test TA", caKey, false, NOW, List.of()));
        // issued by another key under the same issuer name: it does not chain to "ca"
        CERTS.put("forged", certificate("CN=mx.dane.test", leafKey, "CN=Test TA", otherCaKey, false, NOW,
                List.of("mx.dane.test")));
    }

    @ParameterizedTest(name = "{0} {1} {2} of {3}, chain {4}, name {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # DANE-EE(3): the leaf itself, every selector and matching type (RFC 7672 §3.1.1)
            3 | 0 | 0 | leaf     | leaf,ca       | mx.dane.test    | true
            3 | 0 | 1 | leaf     | leaf,ca       | mx.dane.test    | true
            3 | 0 | 2 | leaf     | leaf,ca       | mx.dane.test    | true
            3 | 1 | 0 | leaf     | leaf          | mx.dane.test    | true
            3 | 1 | 1 | leaf     | leaf          | mx.dane.test    | true
            3 | 1 | 2 | leaf     | leaf          | mx.dane.test    | true
            # DANE-EE: no name check, no expiry check
            3 | 1 | 1 | leaf     | leaf          | other.test      | true
            3 | 0 | 1 | expired  | expired       | mx.dane.test    | true
            # DANE-EE: a record of another certificate, a wrong digest, a digest of the wrong length
            3 | 0 | 1 | ca       | leaf,ca       | mx.dane.test    | false
            3 | 1 | 1 | wrong    | leaf          | mx.dane.test    | false
            3 | 1 | 1 | short    | leaf          | mx.dane.test    | false
            # DANE-TA(2): a certificate of the chain that the leaf chains to (RFC 7672 §3.1.2)
            2 | 0 | 1 | ca       | leaf,ca       | mx.dane.test    | true
            2 | 1 | 1 | ca       | leaf,ca       | mx.dane.test    | true
            2 | 0 | 2 | ca       | leaf,ca       | mx.dane.test    | true
            2 | 0 | 0 | ca       | leaf,ca       | mx.dane.test    | true
            # DANE-TA: the TA left out of the chain; only its whole public key (2 1 0) can stand for it
            2 | 1 | 0 | ca       | leaf          | mx.dane.test    | true
            2 | 1 | 1 | ca       | leaf          | mx.dane.test    | false
            2 | 0 | 1 | ca       | leaf          | mx.dane.test    | false
            # DANE-TA: reference identifiers (RFC 7672 §3.2.3, RFC 6125 §6.4)
            2 | 0 | 1 | ca       | leaf,ca       | other.dane.test | false
            2 | 0 | 1 | ca       | leaf,ca       | MX.Dane.Test.   | true
            2 | 0 | 1 | ca       | wildcard,ca   | mx.dane.test    | true
            2 | 0 | 1 | ca       | wildcard,ca   | a.mx.dane.test  | false
            2 | 0 | 1 | ca       | wildcard,ca   | dane.test       | false
            2 | 0 | 1 | ca       | cn-only,ca    | mx.dane.test    | true
            # DANE-TA: an expired leaf, a leaf the TA did not sign, a TA that is the leaf itself
            2 | 0 | 1 | ca       | expired,ca    | mx.dane.test    | false
            2 | 0 | 1 | ca       | forged,ca     | mx.dane.test    | false
            2 | 0 | 1 | other-ca | leaf,other-ca | mx.dane.test    | false
            2 | 0 | 1 | leaf     | leaf          | mx.dane.test    | false
            # PKIX-TA(0), PKIX-EE(1) and unknown values are unusable for SMTP (RFC 7672 §3.1.3)
            1 | 0 | 1 | leaf     | leaf,ca       | mx.dane.test    | false
            0 | 0 | 1 | ca       | leaf,ca       | mx.dane.test    | false
            3 | 2 | 1 | leaf     | leaf          | mx.dane.test    | false
            3 | 0 | 3 | leaf     | leaf          | mx.dane.test    | false
            """)
    void matches(int usage, int selector, int matchingType, String recordOf, String chain, String name,
                 boolean expected) throws Exception {
        Tlsa record = new Tlsa(usage, selector, matchingType, data(recordOf, selector, matchingType));
        var decision = new DaneDecision.Authenticate(List.of(record), "_25._tcp." + name + ".", List.of(name));
        X509Certificate[] certs = Arrays.stream(chain.split(",")).map(CERTS::get).toArray(X509Certificate[]::new);
        assertThat(MATCHER.matches(certs, decision)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mx.dane.test     | mx.dane.test     | true
            *.dane.test      | mx.dane.test     | true
            *.dane.test      | a.mx.dane.test   | false
            *.test           | dane.test        | false
            m*.dane.test     | mx.dane.test     | false
            mx.*.test        | mx.dane.test     | false
            *.dane.test      | .dane.test       | false
            mx.dane.test     | mx.dane.test.org | false
            """)
    void dnsIdMatching(String presented, String reference, boolean expected) {
        assertThat(TlsaMatcher.nameMatches(presented, reference)).isEqualTo(expected);
    }

    @Test
    void oneMatchingRecordAmongOthersIsEnoughAndAnEmptyChainMatchesNothing() throws Exception {
        String label = "leaf";
        List<Tlsa> records = new ArrayList<>();
        records.add(new Tlsa(1, 0, 1, data(label, 0, 1)));
        records.add(new Tlsa(3, 1, 1, data("wrong", 1, 1)));
        records.add(new Tlsa(3, 1, 1, data(label, 1, 1)));
        var decision = new DaneDecision.Authenticate(records, "_25._tcp.mx.dane.test.", List.of("mx.dane.test"));
        assertThat(MATCHER.matches(new X509Certificate[] {CERTS.get(label)}, decision)).isTrue();
        assertThat(MATCHER.matches(new X509Certificate[0], decision)).isFalse();
    }

    private static byte[] data(String recordOf, int selector, int matchingType) throws Exception {
        if (recordOf.equals("wrong")) return new byte[32];
        if (recordOf.equals("short")) return new byte[20];
        X509Certificate cert = CERTS.get(recordOf);
        byte[] selected = selector == 1 ? cert.getPublicKey().getEncoded() : cert.getEncoded();
        return switch (matchingType) {
            case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
            case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
            default -> selected;
        };
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
                                               boolean ca, Instant from, List<String> dnsNames) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(CERTS.size() + 1L),
                Date.from(from.minus(Duration.ofDays(1))), Date.from(from.plus(Duration.ofDays(90))),
                new X500Name(subject), subjectKey.getPublic());
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        if (!dnsNames.isEmpty()) {
            GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }
}
