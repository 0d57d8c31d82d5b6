package dev.tern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.tls.TestPki.Issued;
import dev.tern.tls.TestPki.KeyFormat;
import dev.tern.tls.TestPki.KeyType;
import dev.tern.tls.TlsSettings.CertificateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New PEM files take effect on the next handshake without a restart; broken ones are not taken. */
class ReloadTest {
    @TempDir Path directory;

    @Test
    void replacedFilesArePresentedOnTheNextHandshake() throws Exception {
        Issued before = TestPki.leaf(KeyType.RSA, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "live", before, KeyFormat.PKCS8);
        TlsContext context = TlsContext.open(new TlsSettings(List.of(files)), directory, "unused.test",
                Duration.ofDays(1));
        try (TlsPeer peer = new TlsPeer(context)) {
            assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(before.leaf());
            assertThat(context.reloadIfChanged()).as("unchanged files").isFalse();

            Issued after = TestPki.leaf(KeyType.EC, "mx.tern.test");
            TestPki.write(directory, "live", after, KeyFormat.TRADITIONAL);
            assertThat(context.reloadIfChanged()).isTrue();

            assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(after.leaf());
            assertThat(context.fingerprint()).isEqualTo(TlsContextTest.fingerprint(after.leaf().getEncoded()));
        }
    }

    @Test
    void handshakeChecksTheFilesWhenTheIntervalHasPassed() throws Exception {
        Issued before = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "live", before, KeyFormat.PKCS8);
        TlsContext context = TlsContext.open(new TlsSettings(List.of(files)), directory, "unused.test", Duration.ZERO);
        try (TlsPeer peer = new TlsPeer(context)) {
            assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(before.leaf());

            Issued after = TestPki.leaf(KeyType.EC, "mx.tern.test");
            TestPki.write(directory, "live", after, KeyFormat.PKCS8);

            assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(after.leaf());
        }
    }

    @Test
    void brokenNewFilesKeepTheOldCertificateUntilFixed() throws Exception {
        Issued before = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "live", before, KeyFormat.PKCS8);
        TlsContext context = TlsContext.open(new TlsSettings(List.of(files)), directory, "unused.test",
                Duration.ofDays(1));
        try (TlsPeer peer = new TlsPeer(context)) {
            Issued after = TestPki.leaf(KeyType.EC, "mx.tern.test");
            // A renewal half done: the new certificate, but still the old key.
            TestPki.replace(files.fullchain(), TestPki.pem(after.chain().toArray()));

            assertThat(context.reloadIfChanged()).isFalse();
            assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(before.leaf());
            assertThat(context.reloadIfChanged()).as("same broken files are not retried").isFalse();

            TestPki.write(directory, "live", after, KeyFormat.PKCS8);
            assertThat(context.reloadIfChanged()).isTrue();
            assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(after.leaf());
        }
    }

    @Test
    void deletedFilesKeepTheOldCertificate() throws Exception {
        Issued before = TestPki.leaf(KeyType.EC, "mx.tern.test");
        CertificateFiles files = TestPki.write(directory, "live", before, KeyFormat.PKCS8);
        TlsContext context = TlsContext.open(new TlsSettings(List.of(files)), directory, "unused.test",
                Duration.ofDays(1));
        Files.delete(files.privateKey());

        assertThat(context.reloadIfChanged()).isFalse();

        try (TlsPeer peer = new TlsPeer(context)) {
            assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(before.leaf());
        }
    }
}
