package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSL's {@code s_client}, a TLS stack other than the JDK's, against the real listeners: STARTTLS on SMTP
 * (RFC 3207) with TLS 1.3 and 1.2, TLS 1.1 refused by the server, implicit TLS on SMTPS (RFC 8314). Needs the
 * Debian package openssl ({@code /usr/bin/openssl}); skipped without it.
 */
class OpensslClientTest {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    static Path data;
    @TempDir
    static Path scratch;
    static TestServer server;

    @BeforeAll
    static void start() {
        RequiredTool.requireExecutable(OPENSSL, "openssl");
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    record Run(int exit, String output) {
    }

    /**
     * Runs {@code openssl s_client -connect 127.0.0.1:port -servername localhost -brief -ign_eof ARGS} with
     * {@code EHLO x} and {@code QUIT} on stdin (sent once the TLS session is up; {@code -ign_eof} waits for the
     * server to close instead of quitting at the end of stdin, and keeps "QUIT" from being read as s_client's
     * own Q command). stdout and stderr together, bounded at 30 s.
     */
    private static Run sClient(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-brief", "-ign_eof"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "s_client", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write("EHLO x\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // s_client may already have exited (a failed handshake): its exit code and output tell
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("openssl s_client did not finish in 30 s: " + Files.readString(out));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void startTlsDefaultNegotiatesTls13() throws Exception {
        Run run = sClient(server.port(), "-starttls", "smtp");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("CONNECTION ESTABLISHED")
                .contains("Protocol version: TLSv1.3")
                .containsPattern("Ciphersuite: TLS_(AES_256_GCM_SHA384|AES_128_GCM_SHA256|CHACHA20_POLY1305_SHA256)")
                .contains("250-localhost")   // our EHLO, answered over TLS
                .containsPattern("(?m)^221 ");
    }

    @Test
    void startTlsWithTls13Only() throws Exception {
        Run run = sClient(server.port(), "-starttls", "smtp", "-tls1_3");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("Protocol version: TLSv1.3")
                .containsPattern("Ciphersuite: TLS_[A-Z0-9_]+")
                .containsPattern("(?m)^221 ");
    }

    @Test
    void startTlsWithTls12OnlyUsesEcdheAead() throws Exception {
        Run run = sClient(server.port(), "-starttls", "smtp", "-tls1_2");
        assertThat(run.exit()).as(run.output()).isZero();
        // The server's TLS 1.2 policy: ECDHE key exchange with an AEAD cipher only (OpenSSL's names).
        assertThat(run.output()).contains("Protocol version: TLSv1.2")
                .containsPattern("Ciphersuite: ECDHE-(ECDSA|RSA)-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)")
                .contains("250-localhost")
                .containsPattern("(?m)^221 ");
    }

    @Test
    void tls11IsRefusedByTheServer() throws Exception {
        // SECLEVEL=0 so that this client really offers TLS 1.1 (Debian's default config would not): the refusal
        // must come from the server, as a protocol_version alert (70).
        Run run = sClient(server.port(), "-starttls", "smtp", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(run.exit()).as(run.output()).isNotZero();
        assertThat(run.output()).doesNotContain("CONNECTION ESTABLISHED")
                .containsPattern("alert protocol version|SSL alert number 70")
                .doesNotContainPattern("(?m)^221 ");
    }

    @Test
    void implicitTlsOnSmtps() throws Exception {
        Run run = sClient(server.smtpsPort());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("Protocol version: TLSv1.3")
                .containsPattern("(?m)^220 ")        // the greeting, after the handshake
                .contains("250-localhost")
                .containsPattern("(?m)^221 ");
    }

    @Test
    void startTlsOnSubmission() throws Exception {
        Run run = sClient(server.submissionPort(), "-starttls", "smtp", "-tls1_2");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("Protocol version: TLSv1.2")
                .containsPattern("250-AUTH [A-Z0-9 -]*PLAIN")   // AUTH offered once the session is encrypted
                .containsPattern("(?m)^221 ");
    }
}
