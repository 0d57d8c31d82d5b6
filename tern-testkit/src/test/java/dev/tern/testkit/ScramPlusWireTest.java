package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AccountStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCRAM-SHA-256-PLUS with the {@code tls-exporter} channel binding (RFC 5802, RFC 7677, RFC 9266) over real TLS,
 * with the SCRAM client written out here from the RFC, so the server is checked against an independent client.
 */
class ScramPlusWireTest {
    static final String USER = "alice@localhost";
    static final String PASSWORD = "correct horse battery";

    @TempDir
    static java.nio.file.Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        AccountStore.open(data).add(USER, PASSWORD);
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Replaces the client's plain socket by TLS with only {@code protocol} enabled, trusting the test certificate. */
    static void startTls(StartTlsWireTest.Client client, String protocol) throws IOException {
        SSLSocket tls = (SSLSocket) StartTlsWireTest.trustAll().getSocketFactory()
                .createSocket(client.socket, "localhost", client.socket.getPort(), true);
        tls.setEnabledProtocols(new String[] {protocol});
        tls.startHandshake();
        client.socket = tls;
        client.in = tls.getInputStream();
        client.out = tls.getOutputStream();
    }

    static StartTlsWireTest.Client smtps(String protocol) throws IOException {
        StartTlsWireTest.Client client = new StartTlsWireTest.Client(server.smtpsPort());
        startTls(client, protocol);
        assertThat(client.reply()).startsWith("220 ");
        return client;
    }

    /** RFC 9266 §2: the client's side of the binding, from its own view of the TLS 1.3 connection. */
    static byte[] tlsExporter(StartTlsWireTest.Client client) throws IOException {
        ExtendedSSLSession session = (ExtendedSSLSession) ((SSLSocket) client.socket).getSession();
        assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
        return session.exportKeyingMaterialData("EXPORTER-Channel-Binding", new byte[0], 32);
    }

    /**
     * Runs AUTH {@code mechanism} with gs2 header {@code gs2Header} and {@code bindingData} in c= (RFC 5802 §7);
     * checks the server's v= when it sends one and returns the reply that ends the exchange.
     */
    static String scram(StartTlsWireTest.Client client, String mechanism, String gs2Header, byte[] bindingData)
            throws IOException, GeneralSecurityException {
        String clientFirstBare = "n=" + USER + ",r=" + "rOprNGfwEbeRWgbNEkqO";
        String reply = client.ask("AUTH " + mechanism + " " + base64(utf8(gs2Header + clientFirstBare)));
        if (!reply.startsWith("334 ")) return reply;
        String serverFirst = decode(reply.substring(4));
        String[] attributes = serverFirst.split(",");
        assertThat(attributes[0]).startsWith("r=rOprNGfwEbeRWgbNEkqO");
        byte[] salt = Base64.getDecoder().decode(attributes[1].substring(2));
        int iterations = Integer.parseInt(attributes[2].substring(2));

        byte[] header = utf8(gs2Header);
        byte[] cbindInput = Arrays.copyOf(header, header.length + bindingData.length);
        System.arraycopy(bindingData, 0, cbindInput, header.length, bindingData.length);
        String withoutProof = "c=" + base64(cbindInput) + "," + attributes[0];
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        // RFC 5802 §3: SaltedPassword = Hi(password, salt, i), PBKDF2 with HMAC-SHA-256 (RFC 7677).
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, iterations, 256)).getEncoded();
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
        byte[] clientSignature = hmac(storedKey, authMessage);
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) proof[i] ^= clientSignature[i];
        reply = client.ask(base64(utf8(withoutProof + ",p=" + base64(proof))));
        if (!reply.startsWith("334 ")) return reply;
        byte[] serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
        assertThat(decode(reply.substring(4))).isEqualTo("v=" + base64(serverSignature));
        return client.ask("");
    }

    @Test
    void scramSha256PlusOverSmtpsSucceeds() throws Exception {
        try (StartTlsWireTest.Client client = smtps("TLSv1.3")) {
            assertThat(client.ask("EHLO client.test")).contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS");
            assertThat(scram(client, "SCRAM-SHA-256-PLUS", "p=tls-exporter,,", tlsExporter(client)))
                    .isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.ask("MAIL FROM:<alice@localhost>")).startsWith("250 ");
        }
    }

    @Test
    void scramSha256PlusAfterStartTlsSucceeds() throws Exception {
        try (StartTlsWireTest.Client client = new StartTlsWireTest.Client(server.submissionPort())) {
            client.reply();
            assertThat(client.ask("EHLO client.test")).doesNotContain("AUTH");
            assertThat(client.ask("STARTTLS")).startsWith("220 2.0.0");
            startTls(client, "TLSv1.3");
            assertThat(client.ask("EHLO client.test")).contains("SCRAM-SHA-256-PLUS");
            assertThat(scram(client, "SCRAM-SHA-256-PLUS", "p=tls-exporter,,", tlsExporter(client)))
                    .startsWith("235 2.7.0");
        }
    }

    @Test
    void aBindingFromAnotherConnectionFails() throws Exception {
        // A man in the middle runs two TLS connections: the client's exporter is not the server's.
        try (StartTlsWireTest.Client other = smtps("TLSv1.3"); StartTlsWireTest.Client client = smtps("TLSv1.3")) {
            client.ask("EHLO client.test");
            assertThat(scram(client, "SCRAM-SHA-256-PLUS", "p=tls-exporter,,", tlsExporter(other)))
                    .isEqualTo("535 5.7.8 Authentication credentials invalid");
            // RFC 5802 §6: "y" ("the server cannot bind") while -PLUS is on offer is a downgrade.
            assertThat(scram(client, "SCRAM-SHA-256", "y,,", new byte[0])).startsWith("535 5.7.8");
            assertThat(scram(client, "SCRAM-SHA-256", "n,,", new byte[0])).startsWith("235 2.7.0");
        }
    }

    @Test
    void overTls12PlusIsNotOffered() throws Exception {
        // RFC 9266 §3: tls-exporter needs TLS 1.3 (or 1.2 with the extended master secret, which we do not check).
        try (StartTlsWireTest.Client client = smtps("TLSv1.2")) {
            String ehlo = client.ask("EHLO client.test");
            assertThat(ehlo).contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256").doesNotContain("PLUS");
            assertThat(client.ask("AUTH SCRAM-SHA-256-PLUS")).startsWith("504 5.5.4");
            assertThat(scram(client, "SCRAM-SHA-256", "y,,", new byte[0])).startsWith("235 2.7.0");
        }
    }

    static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(utf8(message));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String base64(byte[] octets) {
        return Base64.getEncoder().encodeToString(octets);
    }

    static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
