package dev.tern.tls;

import dev.tern.tls.TlsSettings.CertificateFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate Tern uses when none is configured: EC P-256, SHA256withECDSA, for the server's host name,
 * {@code localhost} and 127.0.0.1, kept in {@code <data>/tls/selfsigned-fullchain.pem} and
 * {@code selfsigned-privkey.pem} and reused on later starts. Valid 397 days (the CA/Browser Forum ceiling, so
 * clients that cap server certificate lifetimes still accept it once trusted); remade on start when it is within
 * 30 days of expiry, does not name the host, or cannot be read.
 */
final class SelfSignedCertificate {
    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificate.class);
    static final String FULLCHAIN = "selfsigned-fullchain.pem";
    static final String PRIVATE_KEY = "selfsigned-privkey.pem";
    private static final Duration VALIDITY = Duration.ofDays(397);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private SelfSignedCertificate() {}

    /** Returns the files of a usable self-signed certificate for {@code hostname}, making them if needed. */
    static CertificateFiles ensure(Path dataDirectory, String hostname) throws IOException {
        if (hostname.isBlank()) {
            throw new IllegalArgumentException("blank host name for the self-signed certificate");
        }
        Path directory = dataDirectory.resolve("tls");
        CertificateFiles files = new CertificateFiles(directory.resolve(FULLCHAIN), directory.resolve(PRIVATE_KEY));
        if (Files.exists(files.fullchain()) || Files.exists(files.privateKey())) {
            try {
                CertifiedKey existing = PemFiles.load(files);
                if (usable(existing, hostname)) {
                    return files;
                }
                log.info("tls self-signed certificate expiring or not for host={}, making a new one", hostname);
            } catch (IOException e) {
                log.warn("tls self-signed certificate unreadable, making a new one: {}", e.getMessage());
            }
        }
        createDirectory(directory);
        CertifiedKey made = generate(hostname);
        // The key first: a crash between the two renames leaves a mismatch, which the next start repairs.
        PemFiles.writeAtomically(files.privateKey(), PemFiles.encodeKey(made.key()), true);
        PemFiles.writeAtomically(files.fullchain(), PemFiles.encodeChain(made.chain()), false);
        log.info("tls self-signed certificate made path={}", files.fullchain());
        return files;
    }

    private static boolean usable(CertifiedKey existing, String hostname) {
        Instant renewAt = existing.leaf().getNotAfter().toInstant().minus(RENEW_BEFORE);
        return Instant.now().isBefore(renewAt)
                && (isIpLiteral(hostname) || existing.matchesExactly(CertifiedKey.normalize(hostname)));
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (PemFiles.posix()) {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(directory);
        }
    }

    static CertifiedKey generate(String hostname) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
            Instant now = Instant.now();
            BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE); // RFC 5280 §4.1.2.2
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject,
                    keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hostname));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new CertifiedKey(List.of(certificate), keys.getPrivate(), List.of(CertifiedKey.normalize(hostname)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("the JDK cannot make an EC P-256 certificate", e);
        }
    }

    private static GeneralNames alternativeNames(String hostname) {
        Set<GeneralName> names = new LinkedHashSet<>();
        names.add(isIpLiteral(hostname) ? new GeneralName(GeneralName.iPAddress, hostname)
                : new GeneralName(GeneralName.dNSName, CertifiedKey.normalize(hostname)));
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String hostname) {
        return hostname.contains(":") || hostname.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
