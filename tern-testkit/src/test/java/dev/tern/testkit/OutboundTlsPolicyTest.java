package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.OutboundTls;
import dev.tern.delivery.dane.Dane;
import dev.tern.delivery.dane.DaneDecision;
import dev.tern.delivery.dane.Tlsa;
import dev.tern.delivery.sts.StsSettings;
import dev.tern.delivery.tlsrpt.TlsAttempt;
import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP client's recipient-side TLS policies end to end (issue 9): a sending Tern whose resolver is a
 * {@link TestDns}, an MTA-STS policy host on 127.0.0.1 ({@link PolicyServer}, a certificate for
 * {@code mta-sts.far.example} from a test CA that the sender trusts as its WebPKI), and the MX
 * {@code mx.far.example} on 127.0.0.2 ({@link TlsReceiver}). DANE through a {@link FixedDane} that gives fixed
 * decisions over the same code path. Every TLS outcome is collected from the TLS-RPT seam.
 */
class OutboundTlsPolicyTest {
    static final TestCa CA = new TestCa();
    static final String TXT = "_mta-sts.far.example";

    @TempDir
    Path senderData;

    TestDns dns;
    PolicyServer policies;
    TlsReceiver mx;
    TestServer sender;
    int port;
    final List<TlsAttempt> reports = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        dns = TestDns.start();
        port = OutboundFixture.freePort("127.0.0.2");
        dns.mx("far.example", 10, "mx.far.example").a("mx.far.example", "127.0.0.2").a("mta-sts.far.example", "127.0.0.1");
        policies = new PolicyServer(CA.leaf("mta-sts.far.example").server());
    }

    @AfterEach
    void stop() {
        if (sender != null) sender.close();
        if (mx != null) mx.close();
        policies.close();
        dns.close();
    }

    // MTA-STS enforce (RFC 8461 §5)

    @Test
    void enforceDeliversToAMatchingMxWithAValidCertificate() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        publish("1", policy("enforce", "mx.far.example"));
        send(MailOptions.NONE, "", Dane.OFF);
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        TlsAttempt success = awaitReport(a -> a.mxHost().equals("mx.far.example"));
        assertThat(success.succeeded()).isTrue();
        assertThat(success.policy()).isEqualTo(PolicyType.STS);
        assertThat(success.policyDomain()).isEqualTo("far.example");
        assertThat(success.receivingIp()).contains("127.0.0.2");
        assertThat(success.policyStrings()).contains("mode: enforce", "mx: mx.far.example");
        assertThat(Files.readString(senderData.resolve("mta-sts").resolve("far.example.policy"))).contains("mode: enforce");
    }

    @Test
    void enforceDefersWhenNoMxIsInThePolicy() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        publish("1", policy("enforce", "*.elsewhere.example"));
        send(MailOptions.NONE, "", Dane.OFF);
        String listing = OutboundFixture.awaitQueue(senderData, "not allowed by the policy", Duration.ofSeconds(10));
        assertThat(listing).contains("pending").contains("4.7.5").contains("not allowed by the policy");
        assertThat(mx.connections()).isZero();
    }

    @Test
    void enforceDefersACertificateForAnotherName() throws Exception {
        receiver(CA.leaf("wrong.example").server(), false);
        publish("1", policy("enforce", "mx.far.example"));
        send(MailOptions.NONE, "", Dane.OFF);
        TlsAttempt failure = awaitReport(a -> !a.succeeded());
        assertThat(failure.failure()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
        assertThat(OutboundFixture.awaitQueue(senderData, "4.7.5", Duration.ofSeconds(10))).contains("pending");
        assertThat(mx.messages()).isEmpty();
    }

    @Test
    void enforceDefersAnExpiredCertificate() throws Exception {
        receiver(CA.expired("mx.far.example").server(), false);
        publish("1", policy("enforce", "mx.far.example"));
        send(MailOptions.NONE, "", Dane.OFF);
        assertThat(awaitReport(a -> !a.succeeded()).failure()).contains(FailureType.CERTIFICATE_EXPIRED);
        assertThat(mx.messages()).isEmpty();
    }

    @Test
    void enforceNeverFallsBackToPlaintextWhenStartTlsIsStripped() throws Exception {
        receiver(null, false); // the downgrade: no STARTTLS in EHLO
        publish("1", policy("enforce", "mx.far.example"));
        send(MailOptions.NONE, "", Dane.OFF);
        assertThat(awaitReport(a -> !a.succeeded()).failure()).contains(FailureType.STARTTLS_NOT_SUPPORTED);
        assertThat(OutboundFixture.awaitQueue(senderData, "4.7.4", Duration.ofSeconds(10))).contains("pending");
        assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    // MTA-STS testing, no policy, failed fetches, the cache

    @Test
    void testingDeliversDespiteABadCertificateAndReportsIt() throws Exception {
        receiver(CA.leaf("wrong.example").server(), false);
        publish("1", policy("testing", "mx.far.example"));
        send(MailOptions.NONE, "", Dane.OFF);
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        TlsAttempt failure = awaitReport(a -> !a.succeeded());
        assertThat(failure.policy()).isEqualTo(PolicyType.STS);
        assertThat(failure.failure()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
    }

    @Test
    void aFailedFetchDeliversAsWithoutAPolicyAndReportsIt() throws Exception {
        receiver(CA.leaf("wrong.example").server(), false);
        dns.txt(TXT, "v=STSv1; id=1;");
        policies.fail(404);
        send(MailOptions.NONE, "", Dane.OFF);
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        assertThat(awaitReport(a -> a.policy() == PolicyType.STS).failure()).contains(FailureType.STS_POLICY_FETCH_ERROR);
        assertThat(awaitReport(a -> a.policy() == PolicyType.NO_POLICY_FOUND).succeeded()).isTrue();
    }

    @Test
    void aPolicyServedAsHtmlIsAFetchError() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        dns.txt(TXT, "v=STSv1; id=1;");
        policies.serve(policy("enforce", "nowhere.example")).type("text/html");
        send(MailOptions.NONE, "", Dane.OFF);
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        assertThat(awaitReport(a -> a.policy() == PolicyType.STS).failure()).contains(FailureType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void aCachedPolicyStaysInForceWhenItsRecordVanished() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        cache(policy("enforce", "*.elsewhere.example"), Instant.now().minus(Duration.ofMinutes(1)));
        send(MailOptions.NONE, "", Dane.OFF); // no TXT record now, and the policy host would answer nothing
        assertThat(OutboundFixture.awaitQueue(senderData, "not allowed by the policy", Duration.ofSeconds(10))).contains("pending");
        assertThat(mx.connections()).isZero();
        assertThat(policies.requests()).isZero();
    }

    @Test
    void anExpiredCachedPolicyIsNoLongerInForce() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        cache(policy("enforce", "*.elsewhere.example"), Instant.now().minus(Duration.ofDays(2)));
        send(MailOptions.NONE, "", Dane.OFF);
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        assertThat(awaitReport(a -> true).policy()).isEqualTo(PolicyType.NO_POLICY_FOUND);
    }

    // REQUIRETLS (RFC 8689 §4.2.1, §5) and TLS-Required: No (§4.2.2)

    @Test
    void requireTlsToANextHopWithoutRequireTlsFailsWithADsn() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        publish("1", policy("enforce", "mx.far.example"));
        send(MailOptions.NONE.withRequireTls(true), "", Dane.OFF);
        String status = OutboundFixture.onlyDsnStatus(sender);
        assertThat(status).contains("Final-Recipient: rfc822;bob@far.example").contains("Action: failed")
                .contains("Status: 5.7.30");
        assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void requireTlsWithoutAnyPolicyFailsWithEncryptionNeeded() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), true);
        send(MailOptions.NONE.withRequireTls(true), "", Dane.OFF);
        assertThat(OutboundFixture.onlyDsnStatus(sender)).contains("Action: failed").contains("Status: 5.7.10");
        assertThat(mx.connections()).isZero();
    }

    @Test
    void requireTlsGoesOverEnforcedTlsToARequireTlsNextHop() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), true);
        publish("1", policy("enforce", "mx.far.example"));
        send(MailOptions.NONE.withRequireTls(true), "", Dane.OFF);
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        assertThat(mx.commands()).anyMatch(c -> c.equals("MAIL FROM:<alice@localhost> REQUIRETLS"));
    }

    @Test
    void tlsRequiredNoDeliversUnderEnforceDespiteABadCertificate() throws Exception {
        receiver(CA.leaf("wrong.example").server(), false);
        publish("1", policy("enforce", "mx.far.example"));
        send(MailOptions.NONE, "TLS-Required: No\r\n", Dane.OFF);
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        assertThat(awaitReport(a -> !a.succeeded()).failure()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
    }

    // DANE (RFC 7672) through a fixed-decision Dane

    @Test
    void daneDeliversWhenTheChainMatchesAndTakesPrecedenceOverMtaSts() throws Exception {
        TestCa.Leaf leaf = CA.leaf("mx.far.example");
        receiver(leaf.server(), false);
        publish("1", policy("enforce", "*.elsewhere.example")); // MTA-STS would refuse this MX; DANE decides
        send(MailOptions.NONE, "", FixedDane.authenticating(leaf.chain()[0]));
        assertThat(mx.awaitMessages(1, Duration.ofSeconds(15))).isTrue();
        TlsAttempt success = awaitReport(a -> a.policy() == PolicyType.TLSA);
        assertThat(success.succeeded()).isTrue();
        assertThat(success.policyStrings()).singleElement().asString().startsWith("3 1 1 ");
    }

    @Test
    void daneDefersWhenTheChainMatchesNoRecord() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        send(MailOptions.NONE, "", FixedDane.authenticating(CA.leaf("other.example").chain()[0]));
        assertThat(awaitReport(a -> !a.succeeded()).failure()).contains(FailureType.TLSA_INVALID);
        assertThat(OutboundFixture.awaitQueue(senderData, "4.7.5", Duration.ofSeconds(10))).contains("pending");
        assertThat(mx.messages()).isEmpty();
    }

    @Test
    void daneNeverFallsBackToPlaintextWhenStartTlsIsStripped() throws Exception {
        receiver(null, false);
        send(MailOptions.NONE, "", FixedDane.authenticating(CA.leaf("mx.far.example").chain()[0]));
        assertThat(awaitReport(a -> !a.succeeded()).failure()).contains(FailureType.STARTTLS_NOT_SUPPORTED);
        assertThat(OutboundFixture.awaitQueue(senderData, "4.7.4", Duration.ofSeconds(10))).contains("pending");
        assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void aFailedTlsaLookupDefersWithoutConnecting() throws Exception {
        receiver(CA.leaf("mx.far.example").server(), false);
        send(MailOptions.NONE, "", new FixedDane(new DaneDecision.Defer("SERVFAIL", true)));
        assertThat(awaitReport(a -> !a.succeeded()).failure()).contains(FailureType.DNSSEC_INVALID);
        assertThat(OutboundFixture.awaitQueue(senderData, "TLSA lookup", Duration.ofSeconds(10))).contains("pending").contains("4.7.5");
        assertThat(mx.connections()).isZero();
    }

    private void receiver(SSLContext tls, boolean requireTls) throws IOException {
        mx = new TlsReceiver(new InetSocketAddress("127.0.0.2", port), tls, requireTls);
    }

    private void publish(String id, String policy) {
        dns.txt(TXT, "v=STSv1; id=" + id + ";");
        policies.serve(policy);
    }

    static String policy(String mode, String... mx) {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
        for (String m : mx) text.append("mx: ").append(m).append("\r\n");
        return text.append("max_age: 86400\r\n").toString();
    }

    /** A policy already in the sender's on-disk cache, as a previous run left it. */
    private void cache(String policy, Instant fetched) throws IOException {
        Path dir = Files.createDirectories(senderData.resolve("mta-sts"));
        Files.writeString(dir.resolve("far.example.policy"), "tern-mta-sts 1\nid: old\nfetched: " + fetched + "\n\n" + policy);
    }

    /** Spools one message from alice to bob@far.example, then starts the sender, which delivers it at once. */
    private void send(MailOptions options, String extraHeader, Dane dane) throws Exception {
        Files.createDirectories(senderData.resolve("spool"));
        try (Spool spool = Spool.open(senderData.resolve("spool"), SpoolSettings.defaults())) {
            var writer = spool.begin();
            byte[] content = ("From: alice@localhost\r\nTo: bob@far.example\r\nSubject: tls policy\r\n" + extraHeader
                    + "\r\n" + OutboundFixture.END + "\r\n").getBytes(StandardCharsets.US_ASCII);
            writer.write(content, 0, content.length);
            writer.commit(new Envelope(ReversePath.of(Mailbox.of("alice", "localhost")),
                    List.of(Recipient.of(Mailbox.of("bob", "far.example"))), options));
        }
        var sts = StsSettings.on(senderData.resolve("mta-sts")).withHttpsPort(policies.port())
                .withWebPki(Optional.of(CA.trust())).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .withFailureBackoff(Duration.ZERO);
        var outbound = new OutboundTls(sts, dane, reports::add);
        sender = OutboundFixture.sender(senderData, dns, port, Duration.ofSeconds(3),
                c -> c.withRemote(c.remote().withOutboundTls(outbound)));
    }

    /** The first report that {@code which} accepts, waiting up to 15 s. */
    private TlsAttempt awaitReport(Predicate<TlsAttempt> which) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
            Optional<TlsAttempt> found = reports.stream().filter(which).findFirst();
            if (found.isPresent()) return found.get();
            Thread.sleep(20); // polling the collected reports with a deadline; the reporter has no event to await
        }
        throw new AssertionError("no such TLS-RPT report among " + reports);
    }

    /**
     * A DANE that says the MX RRset is secure and gives one fixed decision for every host; matching is DANE-EE
     * SPKI SHA-256 (3 1 1), the common deployment.
     */
    record FixedDane(DaneDecision decision) implements Dane {
        static FixedDane authenticating(X509Certificate leaf) {
            Tlsa record = new Tlsa(Tlsa.DANE_EE, 1, 1, sha256(leaf.getPublicKey().getEncoded()));
            return new FixedDane(new DaneDecision.Authenticate(List.of(record), "_25._tcp.mx.far.example.",
                    List.of("mx.far.example")));
        }

        @Override
        public boolean mxSecure(dev.tern.mail.Domain domain) {
            return true;
        }

        @Override
        public DaneDecision lookup(String mxHost, int port, boolean mxSecure) {
            return decision;
        }

        @Override
        public boolean matches(X509Certificate[] chain, DaneDecision.Authenticate decision) {
            byte[] spki = sha256(chain[0].getPublicKey().getEncoded());
            return decision.records().stream().anyMatch(r -> r.usage() == Tlsa.DANE_EE && r.selector() == 1
                    && r.matchingType() == 1 && Arrays.equals(r.data(), spki));
        }

        private static byte[] sha256(byte[] bytes) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
