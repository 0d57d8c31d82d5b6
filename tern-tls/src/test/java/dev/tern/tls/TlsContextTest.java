package dev.tern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed default and the protocol policy, over real loopback handshakes. */
class TlsContextTest {
    @TempDir Path data;

    @Test
    void selfSignedCertificateIsMadeThenReusedOnReopen() throws Exception {
        TlsContext first = TlsContext.open(TlsSettings.defaults(), data, "mx.tern.test");
        Path key = data.resolve("tls/selfsigned-privkey.pem");
        assertThat(data.resolve("tls/selfsigned-fullchain.pem")).exists();
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        if (PemFiles.posix()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");

        TlsContext reopened = TlsContext.open(TlsSettings.defaults(), data, "mx.tern.test");

        assertThat(reopened.fingerprint()).isEqualTo(first.fingerprint());
        try (TlsPeer peer = new TlsPeer(reopened)) {
            TlsPeer.Seen seen = peer.connect(Optional.empty());
            assertThat(fingerprint(seen.leaf().getEncoded())).isEqualTo(first.fingerprint());
            assertThat(seen.leaf().getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                    .contains("mx.tern.test", "localhost", "127.0.0.1");
            assertThat(seen.leaf().getSigAlgName()).isEqualTo("SHA256withECDSA");
        }
    }

    @Test
    void selfSignedCertificateIsRemadeForAnotherHostName() throws Exception {
        String before = TlsContext.open(TlsSettings.defaults(), data, "old.tern.test").fingerprint();

        String after = TlsContext.open(TlsSettings.defaults(), data, "new.tern.test").fingerprint();

        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void negotiatesTls13ByDefault() throws Exception {
        try (TlsPeer peer = new TlsPeer(TlsContext.open(TlsSettings.defaults(), data, "mx.tern.test"))) {
            assertThat(peer.connect(Optional.empty()).protocol()).isEqualTo("TLSv1.3");
            assertThat(peer.serverOutcome()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void tls12ClientGetsForwardSecretAead() throws Exception {
        try (TlsPeer peer = new TlsPeer(TlsContext.open(TlsSettings.defaults(), data, "mx.tern.test"))) {
            TlsPeer.Seen seen = peer.connect(Optional.empty(), List.of("TLSv1.2"), List.of());
            assertThat(seen.protocol()).isEqualTo("TLSv1.2");
            assertThat(seen.cipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_").containsAnyOf("_GCM_", "CHACHA20");
        }
    }

    @Test
    void tls12ClientOfferingOnlyCbcIsRefused() throws Exception {
        try (TlsPeer peer = new TlsPeer(TlsContext.open(TlsSettings.defaults(), data, "mx.tern.test"))) {
            assertThatThrownBy(() -> peer.connect(Optional.empty(),
                    List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(peer.serverOutcome()).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void silentClientTimesOutAtTheSocketTimeout() throws Exception {
        try (TlsPeer peer = new TlsPeer(TlsContext.open(TlsSettings.defaults(), data, "mx.tern.test"), 200);
                Socket silent = new Socket(InetAddress.getLoopbackAddress(), peer.port())) {
            assertThat(peer.serverOutcome()).isInstanceOf(SocketTimeoutException.class);
            byte[] untilClosed = silent.getInputStream().readAllBytes();
            assertThat(untilClosed).as("at most an alert record, then the end").satisfiesAnyOf(
                    bytes -> assertThat(bytes).isEmpty(), bytes -> assertThat(bytes[0]).isEqualTo((byte) 21));
        }
    }

    /** JSSE clients cannot even offer TLS 1.1 any more, so this one writes a TLS 1.1 ClientHello by hand. */
    @Test
    void tls11ClientIsRefusedWithProtocolVersionAlert() throws Exception {
        try (TlsPeer peer = new TlsPeer(TlsContext.open(TlsSettings.defaults(), data, "mx.tern.test"));
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), peer.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(tls11ClientHello());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] alert = new byte[7];
            in.readFully(alert);

            assertThat(alert[0]).as("record type alert").isEqualTo((byte) 21);
            assertThat(alert[5]).as("fatal").isEqualTo((byte) 2);
            assertThat(alert[6]).as("RFC 8446 §6.2 protocol_version").isEqualTo((byte) 70);
            assertThat(peer.serverOutcome()).isInstanceOf(SSLHandshakeException.class);
        }
    }

    private static byte[] tls11ClientHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 2});                        // client_version TLS 1.1
        body.writeBytes(new byte[32]);                              // random
        body.write(0);                                              // no session id
        body.writeBytes(HexFormat.of().parseHex("0008c013c014002f0035")); // ECDHE-RSA/RSA AES-CBC suites
        body.writeBytes(new byte[] {1, 0});                         // null compression
        byte[] extensions = HexFormat.of().parseHex("000a00040002001700" + "0b00020100");
        body.write(extensions.length >> 8);
        body.write(extensions.length);
        body.writeBytes(extensions);
        byte[] hello = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        int handshakeLength = hello.length + 4;
        record.writeBytes(new byte[] {22, 3, 1, (byte) (handshakeLength >> 8), (byte) handshakeLength});
        record.writeBytes(new byte[] {1, 0, (byte) (hello.length >> 8), (byte) hello.length});
        record.writeBytes(hello);
        return record.toByteArray();
    }

    static String fingerprint(byte[] der) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }
}
