package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Debian's {@code pebble} (Let's Encrypt's ACME test CA) on loopback: its own HTTPS certificate made here with
 * {@code openssl}, its HTTP-01 checks sent to {@code httpPort} on whatever address {@link TestDns} gives a name,
 * without the validation sleeps or the nonce rejections that make it slow. Owns the pebble process until
 * {@link #close()}.
 */
final class Pebble implements AutoCloseable {
    private static final Path PEBBLE = Path.of("/usr/bin/pebble");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Duration START = Duration.ofSeconds(15);

    private final Process process;
    private final Path trust;
    private final int port;
    private final int managementPort;
    private final Path log;

    private Pebble(Process process, Path trust, int port, int managementPort, Path log) {
        this.process = process;
        this.trust = trust;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** Starts pebble in {@code directory}, validating HTTP-01 on {@code httpPort}, resolving names with {@code dns}. */
    static Pebble start(Path directory, int httpPort, TestDns dns) throws IOException, InterruptedException {
        RequiredTool.requireExecutable(PEBBLE, "pebble");
        RequiredTool.requireExecutable(OPENSSL, "openssl");
        Path cert = directory.resolve("pebble-cert.pem");
        Path key = directory.resolve("pebble-key.pem");
        run(List.of(OPENSSL.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=pebble",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), directory);
        int port = freePort();
        int managementPort = freePort();
        Path config = directory.resolve("pebble-config.json");
        Files.writeString(config, """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(port, managementPort, cert, key, httpPort, freePort()));
        Path log = directory.resolve("pebble.log");
        ProcessBuilder builder = new ProcessBuilder(PEBBLE.toString(), "-config", config.toString(), "-dnsserver",
                "127.0.0.1:" + dns.address().getPort())
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
        builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        builder.environment().put("PEBBLE_AUTHZREUSE", "0"); // every order proves control again over HTTP-01
        Pebble pebble = new Pebble(builder.start(), cert, port, managementPort, log);
        try {
            pebble.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            pebble.close();
            throw e;
        }
        return pebble;
    }

    /** The directory URL (RFC 8555 §7.1.1). */
    URI directory() {
        return URI.create("https://127.0.0.1:" + port + "/dir");
    }

    /** A URL on pebble's ACME listener that is not its directory (answers 404). */
    URI notADirectory() {
        return URI.create("https://127.0.0.1:" + port + "/no-directory-here");
    }

    /** The PEM file of pebble's own HTTPS certificate, for {@code tls.acme.trust}. */
    Path trust() {
        return trust;
    }

    /** The root its issued chains lead to ({@code /roots/0} of the management interface; made anew at each start). */
    X509Certificate root() throws IOException, InterruptedException {
        String pem = get(URI.create("https://127.0.0.1:" + managementPort + "/roots/0"));
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IOException("pebble's root is unreadable: " + e.getMessage(), e);
        }
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady() throws IOException, InterruptedException {
        long until = System.nanoTime() + START.toNanos();
        while (true) {
            try {
                get(directory());
                return;
            } catch (IOException e) {
                if (!process.isAlive()) throw new IOException("pebble exited: " + log());
                if (System.nanoTime() > until) throw new IOException("pebble did not answer in " + START + ": " + log(), e);
                Thread.sleep(50); // polling a starting process with a deadline; it signals nothing else
            }
        }
    }

    private String get(URI uri) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trusting(trust))
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) throw new IOException(uri + ": HTTP " + response.statusCode());
            return response.body();
        }
    }

    private static SSLContext trusting(Path pem) throws IOException {
        try (var in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("pebble", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static void run(List<String> command, Path directory) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(command.getFirst() + " failed: " + output);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
