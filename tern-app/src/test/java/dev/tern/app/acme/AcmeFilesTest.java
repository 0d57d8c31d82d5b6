package dev.tern.app.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.tls.TlsContext;
import dev.tern.tls.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files under {@code <data>/acme/} on real temp directories, loaded by the real {@link TlsContext}. */
class AcmeFilesTest {
    @TempDir
    Path data;

    @Test
    void firstStartMakesOwnerOnlyKeysAndAStandInThatTlsLoads() throws Exception {
        AcmeFiles files = AcmeFiles.open(data.resolve("acme"));
        TlsSettings tls = files.withCertificate(TlsSettings.defaults(), List.of("mail.example.test", "mx.example.test"));
        files.accountKey();

        assertThat(tls.certificates()).containsExactly(files.certificateFiles());
        for (String secret : List.of("privkey.pem", "account-key.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("acme").resolve(secret))))
                    .isEqualTo("rw-------");
        }
        X509Certificate leaf = TlsContext.open(tls, data, "localhost").chains().getFirst().getFirst();
        assertThat(AcmeFiles.selfSigned(leaf)).isTrue();
        assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList())
                .containsExactly("mail.example.test", "mx.example.test");
    }

    @Test
    void laterStartsKeepTheKeysAndTheCertificate() throws Exception {
        AcmeFiles files = AcmeFiles.open(data.resolve("acme"));
        files.ensureCertificate(List.of("mail.example.test"));
        byte[] key = Files.readAllBytes(files.certificateFiles().privateKey());
        byte[] chain = Files.readAllBytes(files.certificateFiles().fullchain());
        var account = files.accountKey();

        AcmeFiles again = AcmeFiles.open(data.resolve("acme"));
        again.ensureCertificate(List.of("mail.example.test"));

        assertThat(Files.readAllBytes(files.certificateFiles().privateKey())).isEqualTo(key);
        assertThat(Files.readAllBytes(files.certificateFiles().fullchain())).isEqualTo(chain);
        assertThat(again.accountKey().getPublic()).isEqualTo(account.getPublic());
        assertThat(again.certificateKey().getPrivate().getEncoded()).isEqualTo(files.certificateKey().getPrivate().getEncoded());
    }

    @Test
    void deletedKeyGetsANewStandInSoTlsStillLoads() throws Exception {
        AcmeFiles files = AcmeFiles.open(data.resolve("acme"));
        files.ensureCertificate(List.of("mail.example.test"));
        byte[] chain = Files.readAllBytes(files.certificateFiles().fullchain());
        Files.delete(files.certificateFiles().privateKey()); // rotating the key, as docs/acme.md says

        TlsSettings tls = files.withCertificate(TlsSettings.defaults(), List.of("mail.example.test"));

        assertThat(Files.readAllBytes(files.certificateFiles().fullchain())).isNotEqualTo(chain);
        assertThat(TlsContext.open(tls, data, "localhost").chains()).hasSize(1);
    }

    @Test
    void accountUrlIsKeptPerDirectory() throws Exception {
        AcmeFiles files = AcmeFiles.open(data.resolve("acme"));
        var staging = java.net.URI.create("https://acme-staging.example/directory");
        var account = java.net.URI.create("https://acme-staging.example/acct/7").toURL();

        files.saveAccountUrl(staging, account);

        assertThat(files.accountUrl(staging)).contains(account);
        assertThat(files.accountUrl(java.net.URI.create("https://acme.example/directory"))).isEmpty();
    }

    @Test
    void accountUrlOfAnotherAccountKeyIsNotUsed() throws Exception {
        AcmeFiles files = AcmeFiles.open(data.resolve("acme"));
        var directory = java.net.URI.create("https://acme.example/directory");
        files.accountKey(); // as AcmeOrder does: the key first, then the account it registers
        files.saveAccountUrl(directory, java.net.URI.create("https://acme.example/acct/7").toURL());
        assertThat(files.accountUrl(directory)).isPresent();

        Files.delete(data.resolve("acme").resolve("account-key.pem")); // lost, or deleted to start afresh

        // RFC 8555 §6.2: the CA would refuse every request signed by the new key for the old URL, order after order.
        assertThat(files.accountUrl(directory)).isEmpty();
    }
}
