package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.AcmeSettings;
import dev.tern.app.acme.AcmeRenewer;
import dev.tern.app.acme.AcmeRenewer.Outcome;
import dev.tern.app.web.WebSettings;
import dev.tern.testbase.TrustAll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates from ACME (docs/acme.md) against Debian's pebble: a fresh server obtains one over HTTP-01 and serves
 * it on STARTTLS, SMTPS, IMAPS and HTTPS without a restart, renews it into a new serial, and keeps running when the
 * directory URL is wrong.
 */
class AcmeWireTest {
    private static final String DOMAIN = "mail.acme.test";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path pebbleDirectory;
    private static TestDns dns;
    private static Pebble pebble;
    private static int httpPort;

    @TempDir
    Path data;

    @BeforeAll
    static void startPebble() throws Exception {
        dns = TestDns.start().a(DOMAIN, "127.0.0.1");
        httpPort = Pebble.freePort();
        pebble = Pebble.start(pebbleDirectory, httpPort, dns);
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) pebble.close();
        if (dns != null) dns.close();
    }

    private AcmeSettings acme() {
        return AcmeSettings.of(pebble.directory()).withDomains(List.of(DOMAIN))
                .withContacts(List.of("mailto:postmaster@acme.test"))
                .withHttpListen(new InetSocketAddress("127.0.0.1", httpPort)).withTrust(pebble.trust());
    }

    @Test
    void freshServerObtainsCertificateAndServesItOnEveryTlsListener() throws Exception {
        try (TestServer server = TestServer.start(data, c -> c.withAcme(acme())
                .withWeb(c.web().withTls(WebSettings.Tls.ON)))) {
            Outcome.Renewed renewed = awaitOutcome(server, Outcome.Renewed.class, 1).getLast();

            X509Certificate root = pebble.root();
            List<X509Certificate> chain = startTlsChain(server.port());
            X509Certificate leaf = chain.getFirst();
            assertThat(leaf.getSerialNumber()).isEqualTo(renewed.serial());
            assertThat(leaf.getSubjectAlternativeNames()).anySatisfy(n -> assertThat(n.get(1)).isEqualTo(DOMAIN));
            assertThat(leaf.getIssuerX500Principal().getName()).contains("Pebble Intermediate CA");
            // The chain leads to pebble's root: leaf signed by the intermediate, the intermediate by the root.
            leaf.verify(chain.get(1).getPublicKey());
            chain.get(1).verify(root.getPublicKey());

            assertThat(implicitTlsLeaf(server.smtpsPort()).getSerialNumber()).isEqualTo(renewed.serial());
            assertThat(implicitTlsLeaf(server.imapsPort()).getSerialNumber()).isEqualTo(renewed.serial());
            assertThat(implicitTlsLeaf(server.webPort()).getSerialNumber()).isEqualTo(renewed.serial());

            Path acme = data.resolve("acme");
            for (String secret : List.of("account-key.pem", "privkey.pem")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(acme.resolve(secret))))
                        .isEqualTo("rw-------");
            }
            assertThat(Files.readString(acme.resolve("account.txt"))).startsWith(pebble.directory() + "\n");
            assertThat(pebble.log()).contains(DOMAIN);
        }
    }

    @Test
    void renewalServesNewSerialWithoutRestart() throws Exception {
        // renew_before longer than pebble's certificates live: every check (each second here) renews.
        AcmeSettings renewing = acme().withRenewBefore(Duration.ofDays(365 * 100))
                .withCheckInterval(Duration.ofSeconds(1));
        try (TestServer server = TestServer.start(data, c -> c.withAcme(renewing))) {
            BigInteger first = awaitOutcome(server, Outcome.Renewed.class, 1).getFirst().serial();
            BigInteger servedFirst = startTlsChain(server.port()).getFirst().getSerialNumber();
            Path account = data.resolve("acme").resolve("account.txt");
            var registered = Files.getLastModifiedTime(account);

            List<Outcome.Renewed> renewals = awaitOutcome(server, Outcome.Renewed.class, 2);
            BigInteger servedLater = startTlsChain(server.port()).getFirst().getSerialNumber();

            assertThat(servedFirst).isIn(renewals.stream().map(Outcome.Renewed::serial).toList());
            assertThat(servedLater).isNotEqualTo(first);
            assertThat(renewals.stream().map(Outcome.Renewed::serial).distinct()).hasSizeGreaterThanOrEqualTo(2);
            // The account was registered once: the renewal logged in with the kept account URL.
            assertThat(Files.getLastModifiedTime(account)).isEqualTo(registered);
        }
    }

    @Test
    void wrongDirectoryUrlKeepsServerRunningAndRetries() throws Exception {
        AcmeSettings wrong = AcmeSettings.of(pebble.notADirectory()).withDomains(List.of(DOMAIN))
                .withHttpListen(new InetSocketAddress("127.0.0.1", 0)).withTrust(pebble.trust())
                .withRetry(Duration.ofMillis(100));
        try (TestServer server = TestServer.start(data, c -> c.withAcme(wrong))) {
            List<Outcome.Failed> failures = awaitOutcome(server, Outcome.Failed.class, 2);

            assertThat(failures.getFirst().reason()).contains("404");
            assertThat(failures.get(1).retryIn()).isGreaterThan(failures.getFirst().retryIn());
            // Still serving, with the stand-in certificate for the domain.
            X509Certificate leaf = startTlsChain(server.port()).getFirst();
            assertThat(leaf.getSubjectX500Principal()).isEqualTo(leaf.getIssuerX500Principal());
            assertThat(leaf.getSubjectAlternativeNames()).anySatisfy(n -> assertThat(n.get(1)).isEqualTo(DOMAIN));
        }
    }

    @Test
    void caDownKeepsServerRunningAndBacksOff() throws Exception {
        int closed = Pebble.freePort();
        AcmeSettings down = AcmeSettings.of(java.net.URI.create("https://127.0.0.1:" + closed + "/dir"))
                .withDomains(List.of(DOMAIN)).withHttpListen(new InetSocketAddress("127.0.0.1", 0))
                .withRetry(Duration.ofMillis(100));
        try (TestServer server = TestServer.start(data, c -> c.withAcme(down))) {
            List<Outcome.Failed> failures = awaitOutcome(server, Outcome.Failed.class, 3);

            assertThat(failures.getFirst().reason()).contains("ConnectException");
            assertThat(failures.get(2).retryIn()).isGreaterThan(failures.get(1).retryIn());
            assertThat(startTlsChain(server.port()).getFirst().getSubjectAlternativeNames())
                    .anySatisfy(n -> assertThat(n.get(1)).isEqualTo(DOMAIN));
        }
    }

    /** Waits (polling, bounded) until the renewer has recorded {@code count} outcomes of {@code type}. */
    private static <T extends Outcome> List<T> awaitOutcome(TestServer server, Class<T> type, int count)
            throws InterruptedException {
        AcmeRenewer renewer = server.acme().orElseThrow();
        long until = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<T> found = renewer.outcomes().stream().filter(type::isInstance).map(type::cast).toList();
            if (found.size() >= count) return found;
            assertThat(System.nanoTime()).as("outcomes so far: %s", renewer.outcomes()).isLessThan(until);
            Thread.sleep(20); // the renewer's outcomes are polled with a deadline; it signals nothing else
        }
    }

    /** The chain the SMTP listener presents after EHLO and STARTTLS (RFC 3207), asking for {@link #DOMAIN} by SNI. */
    private static List<X509Certificate> startTlsChain(int port) throws IOException {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(5000);
            var in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = plain.getOutputStream();
            readReply(in, "220");
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            readReply(in, "250");
            out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            readReply(in, "220");
            try (SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory()
                    .createSocket(plain, DOMAIN, port, false)) {
                return handshake(tls);
            }
        }
    }

    /** The leaf an implicit-TLS listener (SMTPS, IMAPS, HTTPS) presents for {@link #DOMAIN}. */
    private static X509Certificate implicitTlsLeaf(int port) throws IOException {
        try (SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", port)) {
            tls.setSoTimeout(5000);
            return handshake(tls).getFirst();
        }
    }

    private static List<X509Certificate> handshake(SSLSocket tls) throws IOException {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(DOMAIN)));
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return java.util.Arrays.stream(tls.getSession().getPeerCertificates()).map(X509Certificate.class::cast).toList();
    }

    private static void readReply(BufferedReader in, String code) throws IOException {
        Predicate<String> last = line -> line.length() < 4 || line.charAt(3) == ' ';
        for (int i = 0; i < 100; i++) {
            String line = in.readLine();
            assertThat(line).as("reply").isNotNull().startsWith(code);
            if (last.test(line)) return;
        }
        throw new IOException("a reply of more than 100 lines");
    }
}
