package dev.tern.app.acme;

import java.net.MalformedURLException;
import java.util.Arrays;
import dev.tern.app.DurableFiles;
import dev.tern.tls.TlsSettings;
import dev.tern.tls.TlsSettings.CertificateFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What ACME keeps under {@code <data>/acme/} (docs/acme.md), every file replaced durably
 * ({@link DurableFiles#replace}):
 * <ul>
 *   <li>{@code account-key.pem} (0600): the account's key pair, made once;</li>
 *   <li>{@code account.txt}: the directory URL, the account URL it registered there and which account key that
 *       was, so later orders log in to the same account instead of registering again;</li>
 *   <li>{@code privkey.pem} (0600): the certificate's key pair, made once and kept across renewals, so that a
 *       renewal replaces only {@code fullchain.pem} and a reload never sees a key that does not match;</li>
 *   <li>{@code fullchain.pem}: the certificate and its chain, as the CA sent them; until the first one arrives, a
 *       self-signed stand-in for the domains made with the same key.</li>
 * </ul>
 * Not thread-safe: one {@link AcmeRenewer} owns it.
 */
public final class AcmeFiles {
    private static final Duration STAND_IN_VALIDITY = Duration.ofDays(90);

    private final Path directory;

    private AcmeFiles(Path directory) {
        this.directory = directory;
    }

    /** The files under {@code directory}, made owner-only if new; nothing is generated yet. */
    public static AcmeFiles open(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        return new AcmeFiles(directory);
    }

    /** The pair {@link dev.tern.tls.TlsContext} loads and reloads. */
    public CertificateFiles certificateFiles() {
        return new CertificateFiles(directory.resolve("fullchain.pem"), directory.resolve("privkey.pem"));
    }

    /**
     * Makes sure a certificate file that TLS can load exists from the first start: a self-signed stand-in for
     * {@code domains} under the certificate key, until the CA's certificate replaces it. A missing or unreadable
     * {@code fullchain.pem}, or one for another key, is replaced by the stand-in.
     */
    public void ensureCertificate(List<String> domains) throws IOException {
        KeyPair key = certificateKey();
        List<X509Certificate> chain = chain();
        // A chain for another key (privkey.pem deleted to rotate it) would stop TLS from loading: replace it too.
        if (!chain.isEmpty() && Arrays.equals(chain.getFirst().getPublicKey().getEncoded(),
                key.getPublic().getEncoded())) {
            return;
        }
        writeChain(List.of(standIn(key, domains)));
    }

    /**
     * {@code tls} with this certificate first, so it is the default one (and chosen by SNI for its names), made sure
     * to exist as {@link #ensureCertificate} does.
     */
    public TlsSettings withCertificate(TlsSettings tls, List<String> domains) throws IOException {
        ensureCertificate(domains);
        List<CertificateFiles> all = new ArrayList<>();
        all.add(certificateFiles());
        all.addAll(tls.certificates());
        return new TlsSettings(all);
    }

    /** The account's key pair, made (EC P-256) and kept on first use. */
    KeyPair accountKey() throws IOException {
        return keyPair(directory.resolve("account-key.pem"));
    }

    /** The certificate's key pair, made (EC P-256) and kept on first use. */
    KeyPair certificateKey() throws IOException {
        return keyPair(certificateFiles().privateKey());
    }

    /**
     * The account URL registered at {@code directoryUrl} with the current account key, if this data directory has
     * one. RFC 8555 §6.2: the CA checks each request against the key of the account it names, so a URL kept from
     * another key (account-key.pem lost or deleted) would be refused at every order: it is not used.
     */
    Optional<URL> accountUrl(URI directoryUrl) throws IOException {
        Path file = directory.resolve("account.txt");
        if (!Files.exists(file)) return Optional.empty();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 3 || !lines.get(0).equals(directoryUrl.toString())
                || !lines.get(2).equals(keyLine(accountKey()))) {
            return Optional.empty(); // registering again finds or makes the account of the current key (§7.3.1)
        }
        try {
            return Optional.of(URI.create(lines.get(1)).toURL());
        } catch (IllegalArgumentException | MalformedURLException e) {
            return Optional.empty(); // unreadable: registering again finds the same account by its key
        }
    }

    void saveAccountUrl(URI directoryUrl, URL account) throws IOException {
        String text = directoryUrl + "\n" + account + "\n" + keyLine(accountKey()) + "\n";
        DurableFiles.replace(directory.resolve("account.txt"), text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** The third line of {@code account.txt}: which account key the URL belongs to. */
    private static String keyLine(KeyPair key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded());
            return "key-sha256=" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The chain in {@code fullchain.pem}, leaf first; empty when absent or unreadable. */
    List<X509Certificate> chain() {
        Path file = certificateFiles().fullchain();
        if (!Files.exists(file)) return List.of();
        try (var in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) certificate);
            }
            return chain;
        } catch (IOException | CertificateException e) {
            return List.of(); // an unreadable file is replaced by the next order
        }
    }

    void writeChain(List<X509Certificate> chain) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : chain) pem.writeObject(certificate);
        }
        DurableFiles.replace(certificateFiles().fullchain(), text.toString().getBytes(StandardCharsets.US_ASCII),
                false);
    }

    /**
     * The key pair in {@code file}, or a new EC P-256 one written there (0600). Kept as PKCS#8 {@code PRIVATE KEY}
     * (what tern-tls reads) followed by its {@code PUBLIC KEY}, both readable by the JDK's own providers.
     */
    private static KeyPair keyPair(Path file) throws IOException {
        if (Files.exists(file)) return readKeyPair(file);
        KeyPair made;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            made = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an EC P-256 key", e);
        }
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new JcaPKCS8Generator(made.getPrivate(), null));
            pem.writeObject(made.getPublic());
        }
        DurableFiles.replace(file, text.toString().getBytes(StandardCharsets.US_ASCII), true);
        return made;
    }

    private static KeyPair readKeyPair(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PrivateKeyInfo info) privateKey = converter.getPrivateKey(info);
                if (item instanceof SubjectPublicKeyInfo info) publicKey = converter.getPublicKey(info);
            }
        }
        if (privateKey == null || publicKey == null) {
            throw new IOException(file + ": expected a PRIVATE KEY and a PUBLIC KEY block"
                    + " (delete it to make a new key)");
        }
        return new KeyPair(publicKey, privateKey);
    }

    /** A self-signed certificate for {@code domains}: what TLS serves before the CA's first certificate. */
    private static X509Certificate standIn(KeyPair key, List<String> domains) throws IOException {
        try {
            X500Name subject = new X500Name("CN=" + domains.getFirst());
            Instant now = Instant.now();
            BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE); // RFC 5280 §4.1.2.2
            var builder = new JcaX509v3CertificateBuilder(subject, serial, Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(STAND_IN_VALIDITY)), subject, key.getPublic());
            GeneralName[] names = domains.stream().map(d -> new GeneralName(GeneralName.dNSName, d))
                    .toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the stand-in certificate: " + e.getMessage(), e);
        }
    }

    /** Whether {@code leaf} is the stand-in (self-signed) rather than a CA's certificate. */
    static boolean selfSigned(X509Certificate leaf) {
        if (!leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) return false;
        try {
            leaf.verify(leaf.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
