package dev.tern.testkit;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority (EC P-256, Bouncy Castle) standing in for the WebPKI: {@link #trust()} is what the
 * sender trusts, {@link #server} makes a server's TLS context with a leaf for given names (or an expired one).
 */
final class TestCa {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair keys = generate();
    private final X509Certificate certificate = issue(new X500Name("CN=Tern Test WebPKI Root"), keys.getPublic(), true,
            new String[0], Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));

    /** The root alone, as a trust store. */
    KeyStore trust() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("root", certificate);
            return store;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A leaf for {@code names}, valid now. */
    Leaf leaf(String... names) {
        return leaf(Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(10)), names);
    }

    /** A leaf for {@code names} that expired yesterday. */
    Leaf expired(String... names) {
        return leaf(Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)), names);
    }

    private Leaf leaf(Instant from, Instant until, String... names) {
        KeyPair leafKeys = generate();
        X509Certificate leaf = issue(new X500Name("CN=" + names[0]), leafKeys.getPublic(), false, names, from, until);
        return new Leaf(new X509Certificate[] {leaf, certificate}, leafKeys);
    }

    /** A leaf's chain and keys, and a server context that presents it. */
    record Leaf(X509Certificate[] chain, KeyPair keys) {
        SSLContext server() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("leaf", keys.getPrivate(), new char[0], (Certificate[]) chain);
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, new char[0]);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(factory.getKeyManagers(), null, null);
                return context;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private X509Certificate issue(X500Name subject, java.security.PublicKey key, boolean ca, String[] names, Instant from,
                                  Instant until) {
        try {
            var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=Tern Test WebPKI Root"),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(until), subject, key);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (names.length > 0) {
                GeneralName[] alt = new GeneralName[names.length];
                for (int i = 0; i < names.length; i++) alt[i] = new GeneralName(GeneralName.dNSName, names[i]);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
