package dev.tern.tls;

import dev.tern.tls.TlsSettings.CertificateFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes certificates and keys in PEM, the Let's Encrypt layout: {@code fullchain.pem} holds the leaf
 * then its chain; {@code privkey.pem} holds one key, PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE
 * KEY}) or SEC1 ({@code EC PRIVATE KEY}). Bouncy Castle parses the ASN.1; the JDK's providers build the keys.
 * Every failure is an {@link IOException} whose message names the file and the problem, fit to show a user.
 */
final class PemFiles {
    private static final int SAN_DNS_NAME = 2;
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    private PemFiles() {}

    static CertifiedKey load(CertificateFiles files) throws IOException {
        List<X509Certificate> chain = readChain(files.fullchain());
        PrivateKey key = readKey(files.privateKey());
        X509Certificate leaf = chain.getFirst();
        String certType = leaf.getPublicKey().getAlgorithm();
        if (!certType.equals(key.getAlgorithm())) {
            throw new IOException(files.privateKey() + ": " + key.getAlgorithm() + " private key, but the first"
                    + " certificate in " + files.fullchain() + " has a public key of type " + certType);
        }
        if (!signsFor(key, leaf)) {
            throw new IOException(files.privateKey() + ": private key does not match the first certificate in "
                    + files.fullchain() + " (the server's own certificate must come first)");
        }
        return new CertifiedKey(chain, key, names(leaf));
    }

    private static List<X509Certificate> readChain(Path file) throws IOException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = new PEMParser(open(file))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (!(item instanceof X509CertificateHolder holder)) {
                    throw new IOException(file + ": expected only CERTIFICATE blocks, found "
                            + describe(item) + " (is this the key file?)");
                }
                chain.add(converter.getCertificate(holder));
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": unreadable certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw named(file, e);
        }
        if (chain.isEmpty()) {
            throw new IOException(file + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(open(file))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                switch (item) {
                    case PrivateKeyInfo pkcs8 -> { return converter.getPrivateKey(pkcs8); }
                    // SEC1 may omit the public key, so convert only the private half.
                    case PEMKeyPair pkcs1OrSec1 -> { return converter.getPrivateKey(pkcs1OrSec1.getPrivateKeyInfo()); }
                    case PKCS8EncryptedPrivateKeyInfo _, PEMEncryptedKeyPair _ -> throw new IOException(
                            file + ": the private key is encrypted; Tern needs it unencrypted (mode 600)");
                    // `openssl ecparam -genkey` writes EC PARAMETERS before the key: skip such blocks.
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw named(file, e);
        }
        throw new IOException(file + ": no private key found (expected -----BEGIN PRIVATE KEY-----, "
                + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    private static Reader open(Path file) throws IOException {
        try {
            return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
    }

    private static IOException named(Path file, IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.startsWith(file.toString()) ? e : new IOException(file + ": " + message, e);
    }

    private static String describe(Object item) {
        return switch (item) {
            case PrivateKeyInfo _, PEMKeyPair _, PKCS8EncryptedPrivateKeyInfo _, PEMEncryptedKeyPair _ ->
                    "a private key";
            default -> item.getClass().getSimpleName();
        };
    }

    /** Proves the key belongs to the certificate by a signature, whatever the key's encoding. */
    private static boolean signsFor(PrivateKey key, X509Certificate leaf) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new IOException("unsupported key algorithm " + key.getAlgorithm() + " (use RSA or EC)");
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. EC keys on different curves: that is a mismatch too
        }
    }

    private static List<String> names(X509Certificate leaf) throws IOException {
        List<String> names = new ArrayList<>();
        try {
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> entry : leaf.getSubjectAlternativeNames()) {
                    if (entry.get(0) instanceof Integer type && type == SAN_DNS_NAME) {
                        names.add(CertifiedKey.normalize((String) entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IOException("unreadable subjectAltName: " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
            for (RDN cn : subject.getRDNs(BCStyle.CN)) {
                names.add(CertifiedKey.normalize(IETFUtils.valueToString(cn.getFirst().getValue())));
            }
        }
        return names;
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    static String encodeChain(List<X509Certificate> chain) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : chain) {
                pem.writeObject(certificate);
            }
        }
        return out.toString();
    }

    /** PKCS#8, the form Let's Encrypt's certbot writes today. */
    static String encodeKey(PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
        return out.toString();
    }

    /**
     * Replaces {@code file} atomically: a temporary file in the same directory, created owner-only where POSIX
     * permissions exist, is written, forced to disk and renamed over the target; then the directory is forced so
     * the rename survives a crash.
     */
    static void writeAtomically(Path file, String text, boolean ownerOnly) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = directory.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        FileAttribute<?>[] attributes = ownerOnly && posix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(temporary, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), attributes)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(directory);
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; the rename itself is still atomic there.
        }
    }
}
