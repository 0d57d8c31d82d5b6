package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tern.delivery.tlsrpt.TlsAttempt;
import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import dev.tern.delivery.tlsrpt.TlsReportSender;
import dev.tern.delivery.tlsrpt.TlsReportStore;
import dev.tern.delivery.tlsrpt.TlsRptSettings;
import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.ReversePath;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import dev.tern.spool.SpooledMessage;
import dev.tern.testbase.MutableClock;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS-RPT from attempts to reports: attempts recorded, the UTC day ends, and the sender queues one report mail into a
 * real spool for the domain whose {@code _smtp._tls} record (served by TestDns) names a mailto rua, POSTs to the https
 * rua served by a JDK HTTPS server on loopback, sends nothing for a domain without a record, retries a failed POST at
 * the next run, and sends nothing twice across a restart.
 */
class TlsRptEndToEndTest {
    private static final Domain SUBMITTER = Domain.parse("mx.tern.test");

    @TempDir
    Path data;
    private final MutableClock clock = new MutableClock();
    private final List<byte[]> posted = new CopyOnWriteArrayList<>();
    private final List<String> postedTypes = new CopyOnWriteArrayList<>();
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private TestDns dns;
    private HttpsServer https;
    private SSLContext clientTls;

    @BeforeEach
    void start() throws Exception {
        dns = TestDns.start();
        KeyStore keys = selfSigned();
        SSLContext serverTls = SSLContext.getInstance("TLS");
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", keys.getCertificate("server"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trustManagers.getTrustManagers(), null);

        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/report", exchange -> {
            postedTypes.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type"));
            posted.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        https.createContext("/flaky", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(flakyCalls.incrementAndGet() == 1 ? 503 : 200, -1);
            exchange.close();
        });
        https.start();

        String base = "https://127.0.0.1:" + https.getAddress().getPort();
        dns.txt("_smtp._tls.mail.test", "v=TLSRPTv1; rua=mailto:tls-reports@mail.test,", base + "/report");
        dns.txt("_smtp._tls.flaky.test", "v=TLSRPTv1;rua=" + base + "/flaky");
        dns.txt("_smtp._tls.quiet.test", "v=spf1 -all"); // a TXT record, but not TLS-RPT
    }

    @AfterEach
    void stop() {
        https.stop(0);
        dns.close();
    }

    @Test
    void finishedDaysAreReportedOnceByMailAndHttps() throws Exception {
        TlsRptSettings settings = TlsRptSettings.defaults(data, SUBMITTER);
        var resolver = new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(500), 1));
        HttpClient http = HttpClient.newBuilder().sslContext(clientTls).connectTimeout(Duration.ofSeconds(5)).build();
        Instant morning = clock.instant().plus(Duration.ofHours(8));
        String reportJson;
        try (Spool spool = Spool.open(data.resolve("spool"), SpoolSettings.defaults().withMinFreeBytes(0));
             TlsReportStore store = TlsReportStore.open(settings, clock)) {
            store.record(attempt(morning, "mail.test", Optional.empty()));
            store.record(attempt(morning, "mail.test", Optional.of(FailureType.CERTIFICATE_EXPIRED)));
            store.record(attempt(morning, "quiet.test", Optional.empty()));
            store.record(attempt(morning, "flaky.test", Optional.empty()));
            var sender = new TlsReportSender(settings, store, resolver, spool, http, clock);

            // The day is not over: nothing is due.
            assertThat(sender.sendDue()).isEqualTo(new TlsReportSender.Run(0, 0, 0, 0));
            clock.advance(Duration.ofHours(25));
            assertThat(sender.sendDue()).isEqualTo(new TlsReportSender.Run(1, 1, 1, 1));
            assertThat(flakyCalls.get()).isEqualTo(1);
            reportJson = store.report(java.time.LocalDate.parse("2025-01-01"), "mail.test").orElseThrow().json();

            List<QueueId> pending = spool.pending();
            assertThat(pending).hasSize(1);
            SpooledMessage queued = spool.read(pending.getFirst());
            assertThat(queued.envelope().reversePath()).isEqualTo(ReversePath.NULL);
            assertThat(queued.envelope().recipients()).extracting(r -> r.mailbox())
                    .containsExactly(Mailbox.of("tls-reports", "mail.test"));
            try (InputStream content = spool.openContent(pending.getFirst())) {
                MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), content);
                assertThat(message.getHeader("TLS-Report-Domain", ",")).isEqualTo("mail.test");
                assertThat(message.getHeader("From", ",")).isEqualTo("noreply-tlsrpt@mx.tern.test");
                Part gzipPart = ((MimeMultipart) message.getContent()).getBodyPart(1);
                assertThat(gunzip(gzipPart.getInputStream())).isEqualTo(reportJson);
            }
            assertThat(postedTypes).containsExactly("POST application/tlsrpt+gzip");
            assertThat(gunzip(new ByteArrayInputStream(posted.getFirst()))).isEqualTo(reportJson);
            assertThat(reportJson).contains("\"total-successful-session-count\":1",
                    "\"total-failure-session-count\":1", "\"result-type\":\"certificate-expired\"");

            // The next run retries only what failed.
            assertThat(sender.sendDue()).isEqualTo(new TlsReportSender.Run(0, 1, 0, 0));
            assertThat(flakyCalls.get()).isEqualTo(2);
        }

        // A restart: the ledger says everything went; nothing is sent again.
        try (Spool spool = Spool.open(data.resolve("spool"), SpoolSettings.defaults().withMinFreeBytes(0));
             TlsReportStore store = TlsReportStore.open(settings, clock)) {
            assertThat(store.domains(java.time.LocalDate.parse("2025-01-01")))
                    .containsExactly("flaky.test", "mail.test", "quiet.test");
            var sender = new TlsReportSender(settings, store, resolver, spool, http, clock);
            assertThat(sender.sendDue()).isEqualTo(new TlsReportSender.Run(0, 0, 0, 0));
            assertThat(spool.pending()).hasSize(1);
        }
        assertThat(posted).hasSize(1);
        assertThat(flakyCalls.get()).isEqualTo(2);
        assertThat(dns.queries("_smtp._tls.quiet.test", "TXT")).isEqualTo(1);
    }

    @Test
    void theDailyRunThreadStopsOnClose() throws Exception {
        TlsRptSettings settings = TlsRptSettings.defaults(data, SUBMITTER);
        var resolver = new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(500), 1));
        try (Spool spool = Spool.open(data.resolve("spool"), SpoolSettings.defaults().withMinFreeBytes(0));
             TlsReportStore store = TlsReportStore.open(settings, clock)) {
            var sender = new TlsReportSender(settings, store, resolver, spool, HttpClient.newHttpClient(), clock);
            sender.start();
            long started = System.nanoTime();
            sender.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static TlsAttempt attempt(Instant at, String domain, Optional<FailureType> failure) {
        return new TlsAttempt(at, domain, PolicyType.STS, List.of("version: STSv1", "mode: enforce", "mx: mx." + domain,
                "max_age: 86400"), "mx." + domain, Optional.of("127.0.0.2"), failure,
                failure.isPresent() ? "certificate expired" : "");
    }

    private static String gunzip(InputStream in) throws Exception {
        try (InputStream gzip = new GZIPInputStream(in)) {
            return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A key store with one self-signed certificate for 127.0.0.1 (an IP SAN, which the JDK's client checks). */
    private static KeyStore selfSigned() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=127.0.0.1");
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), new char[0], new X509Certificate[] {certificate});
        return store;
    }
}
