package dev.tern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.tls.TestPki.Issued;
import dev.tern.tls.TestPki.KeyFormat;
import dev.tern.tls.TestPki.KeyType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6066 §3: the certificate is chosen by the client's server_name, over real handshakes. */
class SniTest {
    @TempDir static Path directory;
    static Map<String, Issued> issued;
    static TlsPeer peer;

    @BeforeAll
    static void start() throws Exception {
        issued = Map.of(
                "default", TestPki.leaf(KeyType.EC, "mx.tern.test"),
                "other", TestPki.leaf(KeyType.RSA, "mail.other.test", "other.test"),
                "wildcard", TestPki.leaf(KeyType.EC, "*.wild.test"));
        List<TlsSettings.CertificateFiles> files = List.of(
                TestPki.write(directory, "default", issued.get("default"), KeyFormat.PKCS8),
                TestPki.write(directory, "other", issued.get("other"), KeyFormat.TRADITIONAL),
                TestPki.write(directory, "wildcard", issued.get("wildcard"), KeyFormat.PKCS8));
        peer = new TlsPeer(TlsContext.open(new TlsSettings(files), directory, "unused.test"));
    }

    @AfterAll
    static void stop() throws Exception {
        peer.close();
    }

    @ParameterizedTest(name = "SNI {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # exact names from subjectAltName, any case
        mx.tern.test     | default
        mail.other.test  | other
        OTHER.test       | other
        # the wildcard stands for one label only (RFC 6125 §6.4.3)
        a.wild.test      | wildcard
        wild.test        | default
        a.b.wild.test    | default
        # unknown names get the first certificate
        unknown.test     | default
        """)
    void certificateIsChosenByServerName(String sni, String expected) throws Exception {
        assertThat(peer.connect(Optional.of(sni)).leaf()).isEqualTo(issued.get(expected).leaf());
    }

    @Test
    void clientWithoutSniGetsTheFirstCertificate() throws Exception {
        assertThat(peer.connect(Optional.empty()).leaf()).isEqualTo(issued.get("default").leaf());
    }

    @Test
    void rsaCertificateServesTls12Too() throws Exception {
        TlsPeer.Seen seen = peer.connect(Optional.of("other.test"), List.of("TLSv1.2"), List.of());

        assertThat(seen.leaf()).isEqualTo(issued.get("other").leaf());
        assertThat(seen.cipherSuite()).startsWith("TLS_ECDHE_RSA_WITH_");
    }
}
