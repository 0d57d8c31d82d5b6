package dev.tern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.tls.TestPki.Issued;
import dev.tern.tls.TestPki.KeyFormat;
import dev.tern.tls.TestPki.KeyType;
import dev.tern.tls.TlsSettings.CertificateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PEM in the Let's Encrypt layout, loaded and then presented in a real handshake; and the errors users see. */
class PemFilesTest {
    @TempDir Path directory;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        RSA | PKCS8       | -----BEGIN PRIVATE KEY-----
        RSA | TRADITIONAL | -----BEGIN RSA PRIVATE KEY-----
        EC  | PKCS8       | -----BEGIN PRIVATE KEY-----
        EC  | TRADITIONAL | -----BEGIN EC PRIVATE KEY-----
        """)
    void loadsKeyAndPresentsFullChain(KeyType type, KeyFormat format, String header) throws Exception {
        Issued issued = TestPki.leaf(type, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "le", issued, format);
        assertThat(Files.readString(files.privateKey())).startsWith(header);

        TlsContext context = TlsContext.open(new TlsSettings(List.of(files)), directory, "unused.test");

        try (TlsPeer peer = new TlsPeer(context)) {
            TlsPeer.Seen seen = peer.connect(Optional.of("mx.tern.test"));
            assertThat(seen.leaf()).isEqualTo(issued.leaf());
            assertThat(seen.leaf().getPublicKey().getAlgorithm()).isEqualTo(type.name());
        }
        assertThat(context.chains()).containsExactly(issued.chain());
        assertThat(directory.resolve("tls")).doesNotExist();
    }

    /** {@code openssl ecparam -genkey} writes the curve's parameters before the SEC1 key. */
    @Test
    void skipsEcParametersBeforeTheKey() throws Exception {
        Issued issued = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "le", issued, KeyFormat.TRADITIONAL);
        Files.writeString(files.privateKey(), "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(files.privateKey()));

        assertThat(PemFiles.load(files).leaf()).isEqualTo(issued.leaf());
    }

    @Test
    void keyOfAnotherCertificateIsAClearError() throws Exception {
        Issued one = TestPki.leaf(KeyType.EC, "one.tern.test");
        Issued other = TestPki.leaf(KeyType.EC, "other.tern.test");
        CertificateFiles files = TestPki.write(directory, "mixed", one.chain(), other.keys(), KeyFormat.PKCS8);

        assertThatThrownBy(() -> TlsContext.open(new TlsSettings(List.of(files)), directory, "x.test"))
                .isInstanceOf(IOException.class)
                .hasMessage(files.privateKey() + ": private key does not match the first certificate in "
                        + files.fullchain() + " (the server's own certificate must come first)");
    }

    @Test
    void keyOfAnotherTypeIsAClearError() throws Exception {
        Issued rsa = TestPki.leaf(KeyType.RSA, "rsa.tern.test");
        Issued ec = TestPki.leaf(KeyType.EC, "ec.tern.test");
        CertificateFiles files = TestPki.write(directory, "mixed", ec.chain(), rsa.keys(), KeyFormat.PKCS8);

        assertThatThrownBy(() -> PemFiles.load(files)).hasMessage(files.privateKey()
                + ": RSA private key, but the first certificate in " + files.fullchain() + " has a public key of type EC");
    }

    @Test
    void chainInTheWrongOrderIsAClearError() throws Exception {
        Issued issued = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "reversed", issued.chain().reversed(), issued.keys(),
                KeyFormat.PKCS8);

        assertThatThrownBy(() -> PemFiles.load(files)).hasMessageContaining("must come first");
    }

    @Test
    void missingFileIsNamed() {
        CertificateFiles files = new CertificateFiles(directory.resolve("nope.pem"), directory.resolve("key.pem"));

        assertThatThrownBy(() -> PemFiles.load(files)).hasMessage(files.fullchain() + ": no such file");
    }

    @Test
    void keyInTheCertificateFileIsNamed() throws Exception {
        Issued issued = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "swapped", issued, KeyFormat.PKCS8);
        CertificateFiles swapped = new CertificateFiles(files.privateKey(), files.fullchain());

        assertThatThrownBy(() -> PemFiles.load(swapped)).hasMessage(files.privateKey()
                + ": expected only CERTIFICATE blocks, found a private key (is this the key file?)");
    }

    @Test
    void fileWithoutPemIsNamed() throws Exception {
        Issued issued = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "empty", issued, KeyFormat.PKCS8);
        Files.writeString(files.privateKey(), "not a key\n");
        assertThatThrownBy(() -> PemFiles.load(files)).hasMessageStartingWith(files.privateKey() + ": no private key found");

        Files.writeString(files.fullchain(), "");
        assertThatThrownBy(() -> PemFiles.load(files)).hasMessageStartingWith(files.fullchain() + ": no PEM certificate");
    }

    @Test
    void corruptBase64IsNamed() throws Exception {
        Issued issued = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "corrupt", issued, KeyFormat.PKCS8);
        Files.writeString(files.fullchain(), Files.readString(files.fullchain()).replace("-----\nMII", "-----\n!!!"));

        assertThatThrownBy(() -> PemFiles.load(files)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(files.fullchain() + ": ");
    }

    @Test
    void encryptedKeyIsRefusedByName() throws Exception {
        Issued issued = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "encrypted", issued, KeyFormat.PKCS8);
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build();
        Files.writeString(files.privateKey(), TestPki.pem(new JcaPKCS8Generator(issued.keys().getPrivate(), encryptor)));

        assertThatThrownBy(() -> PemFiles.load(files)).hasMessage(files.privateKey()
                + ": the private key is encrypted; Tern needs it unencrypted (mode 600)");
    }
}
