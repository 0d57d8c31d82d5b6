package dev.tern.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test certificates: a test CA (EC P-256) issuing leaves with RSA or EC keys, written in every PEM form. */
final class TestPki {
    enum KeyType { RSA, EC }

    /** PKCS8: BEGIN PRIVATE KEY. TRADITIONAL: BEGIN RSA PRIVATE KEY (PKCS#1) or BEGIN EC PRIVATE KEY (SEC1). */
    enum KeyFormat { PKCS8, TRADITIONAL }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final KeyPair CA_KEYS = generate(KeyType.EC);
    private static final X509Certificate CA = issue(caSubject(), CA_KEYS, caSubject(),
            CA_KEYS, true, List.of());

    record Issued(List<X509Certificate> chain, KeyPair keys) {
        X509Certificate leaf() {
            return chain.getFirst();
        }
    }

    private TestPki() {}

    static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type.name());
            if (type == KeyType.EC) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A leaf for {@code dnsNames} with a fresh key, followed by the test CA. */
    static Issued leaf(KeyType type, String... dnsNames) {
        KeyPair keys = generate(type);
        X509Certificate leaf = issue(new X500Name("CN=" + dnsNames[0]), keys, caSubject(), CA_KEYS, false,
                Arrays.asList(dnsNames));
        return new Issued(List.of(leaf, CA), keys);
    }

    private static X500Name caSubject() {
        return new X500Name("CN=Tern Test CA");
    }

    private static X509Certificate issue(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            boolean ca, List<String> dnsNames) {
        try {
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
                    subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (!dnsNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                        .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new)));
            }
            String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TlsSettings.CertificateFiles write(Path directory, String name, Issued issued, KeyFormat format)
            throws IOException {
        return write(directory, name, issued.chain(), issued.keys(), format);
    }

    static TlsSettings.CertificateFiles write(Path directory, String name, List<X509Certificate> chain, KeyPair keys,
            KeyFormat format) throws IOException {
        Files.createDirectories(directory);
        Path fullchain = directory.resolve(name + "-fullchain.pem");
        Path privateKey = directory.resolve(name + "-privkey.pem");
        replace(fullchain, pem(chain.toArray()));
        replace(privateKey, format == KeyFormat.PKCS8
                ? pem(new JcaPKCS8Generator(keys.getPrivate(), null))
                : pem(traditional(keys)));
        return new TlsSettings.CertificateFiles(fullchain, privateKey);
    }

    /**
     * PKCS#1 for RSA; for EC, SEC1 with the curve and public key, as {@code openssl ecparam -genkey} writes it
     * (Bouncy Castle's writer would leave both out of a JDK key).
     */
    private static Object traditional(KeyPair keys) {
        if (keys.getPrivate().getAlgorithm().equals("RSA")) {
            return keys.getPrivate();
        }
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            BigInteger secret = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
            byte[] point = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes();
            ECPrivateKey sec1 = new ECPrivateKey(256, secret, new DERBitString(point),
                    info.getPrivateKeyAlgorithm().getParameters());
            return new PemObject("EC PRIVATE KEY", sec1.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a new file and renames it over {@code file}, as certbot and deploy tools do, so the inode changes:
     * an in-place rewrite of the same size within the kernel's coarse mtime tick would look unchanged.
     */
    static void replace(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(temporary, text);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String pem(Object... objects) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        }
        return out.toString();
    }
}
