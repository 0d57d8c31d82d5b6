package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import dev.tern.auth.AccountStore;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.delivery.TlsRequirement;
import dev.tern.mail.Domain;
import java.util.Map;
import java.util.Optional;
import dev.tern.dns.DnsSettings;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound delivery end to end over real sockets and real DNS on loopback (issue 7): a sending Tern whose
 * resolver is a {@link TestDns}, and a receiving Tern for {@code far.example} on 127.0.0.2, a second host of
 * the loopback network. Mail submitted by alice@localhost goes over MX to the receiver; what fails comes back to
 * alice as an RFC 3464 DSN, parsed here with Angus Mail.
 */
class OutboundWireTest {
    @TempDir
    Path senderData;
    @TempDir
    Path receiverData;

    TestDns dns;
    TestServer receiver;
    TestServer sender;

    @BeforeEach
    void start() throws IOException {
        dns = TestDns.start();
        TernConfig far = load("""
                hostname: mx.far.example
                domains: [far.example]
                users: [bob@far.example, carol@far.example]
                submission: {check_sender: false}
                """);
        List<InetSocketAddress> second = List.of(new InetSocketAddress("127.0.0.2", 0));
        receiver = TestServer.start(receiverData, c -> new TernConfig(c.dataDirectory(),
                c.server().withListeners(second, second, second), far.session(), far.directory(), c.spool(),
                c.delivery(), c.tls(), far.checkSender()));
        dns.mx("far.example", 10, "mx.far.example").a("mx.far.example", "127.0.0.2");
        AccountStore.open(senderData).add("alice@localhost", QueueCommandWireTest.PASSWORD);
        int port = receiver.port();
        sender = TestServer.start(senderData, c -> c.withRemote(RemoteSettings.defaults().withPort(port)
                        .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0))
                        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .withDelivery(new DeliverySettings(8, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofDays(5))));
    }

    @AfterEach
    void stop() {
        if (sender != null) sender.close();
        if (receiver != null) receiver.close();
        dns.close();
    }

    @Test
    void relaysOverMxWithTlsAndReportsTheOneRecipientThatFailed() throws Exception {
        QueueCommandWireTest.submit(sender, "bob@far.example", "carol@far.example", "nobody@far.example");
        List<Path> bob = receiver.awaitMessages("bob", "far.example", 1, Duration.ofSeconds(15));
        assertThat(bob).hasSize(1);
        assertThat(receiver.awaitMessages("carol", "far.example", 1, Duration.ofSeconds(5))).hasSize(1);
        // RFC 3207: STARTTLS was offered by the receiver and used (RFC 3848: ESMTPS).
        assertThat(Files.readString(bob.getFirst())).contains("with ESMTPS").contains("Subject: queued");

        MimeMessage dsn = onlyDsnFor("alice");
        assertThat(dsn.getContentType()).contains("multipart/report").contains("report-type=delivery-status");
        String status = part(dsn, "message/delivery-status");
        assertThat(status).contains("Reporting-MTA: dns; localhost")
                .contains("Final-Recipient: rfc822;nobody@far.example")
                .contains("Action: failed")
                .contains("Status: 5.1.1")
                .contains("Remote-MTA: dns; mx.far.example")
                .contains("Diagnostic-Code: smtp; 550 5.1.1")
                .doesNotContain("bob@far.example").doesNotContain("carol@far.example");
        assertThat(dsn.getHeader("From")[0]).contains("MAILER-DAEMON@localhost");
    }

    @Test
    void nullMxFailsAtOnceWithoutAConnection() throws Exception {
        dns.nullMx("nomail.example");
        QueueCommandWireTest.submit(sender, "someone@nomail.example");
        String status = part(onlyDsnFor("alice"), "message/delivery-status");
        // RFC 7505 §3: a null MX means the domain takes no mail: 5.1.10, no retries.
        assertThat(status).contains("Final-Recipient: rfc822;someone@nomail.example").contains("Status: 5.1.10");
        assertThat(dns.queries("nomail.example", "A")).isZero();
    }

    @Test
    void noSuchDomainFails() throws Exception {
        QueueCommandWireTest.submit(sender, "someone@nowhere.example");
        assertThat(part(onlyDsnFor("alice"), "message/delivery-status")).contains("Status: 5.1.2");
    }

    @Test
    void aDeadPreferredMxFallsBackToTheNextOne() throws Exception {
        // 127.0.0.3 has nothing listening: connection refused, then the preference-20 host takes the mail.
        dns.remove("far.example");
        dns.mx("far.example", 10, "dead.far.example").mx("far.example", 20, "mx.far.example")
                .a("dead.far.example", "127.0.0.3");
        QueueCommandWireTest.submit(sender, "bob@far.example");
        assertThat(receiver.awaitMessages("bob", "far.example", 1, Duration.ofSeconds(15))).hasSize(1);
        assertThat(sender.newMessages("alice", "localhost")).isEmpty();
    }

    @Test
    void aDomainWithoutMxIsDeliveredToItsOwnAddress() throws Exception {
        // RFC 5321 §5.1: no MX records at all: the domain's A record is an implicit MX.
        dns.remove("far.example");
        dns.a("far.example", "127.0.0.2");
        QueueCommandWireTest.submit(sender, "carol@far.example");
        assertThat(receiver.awaitMessages("carol", "far.example", 1, Duration.ofSeconds(15))).hasSize(1);
    }

    @Test
    void aDeferredMessageIsDeliveredOnceWhenTheServerComesBack() throws Exception {
        // The MX is a host where nothing listens yet: refused, deferred; once a server listens, exactly one copy.
        int port = receiver.port();
        dns.remove("far.example");
        dns.mx("far.example", 10, "late.far.example").a("late.far.example", "127.0.0.4");
        QueueCommandWireTest.submit(sender, "bob@far.example");
        List<InetSocketAddress> fourth = List.of(new InetSocketAddress("127.0.0.4", port));
        TernConfig far = load("""
                hostname: late.far.example
                domains: [far.example]
                users: [bob@far.example]
                """);
        Path lateData = receiverData.resolveSibling(receiverData.getFileName() + "-late");
        try (TestServer late = TestServer.start(lateData, c -> new TernConfig(c.dataDirectory(),
                c.server().withListeners(fourth, List.of(new InetSocketAddress("127.0.0.4", 0)),
                        List.of(new InetSocketAddress("127.0.0.4", 0))), far.session(), far.directory(), c.spool(),
                c.delivery()))) {
            assertThat(late.awaitMessages("bob", "far.example", 1, Duration.ofSeconds(20))).hasSize(1);
            // Retries go on every second at most; a second copy would have come by now.
            assertThat(late.awaitMessages("bob", "far.example", 2, Duration.ofSeconds(3))).hasSize(1);
        }
        assertThat(sender.newMessages("alice", "localhost")).as("no DSN for a delivered message").isEmpty();
    }

    @Test
    void aSmartHostGetsAllMailOverTlsWithAuth() throws Exception {
        // The receiver's submission port as the relay host: STARTTLS, AUTH PLAIN, then any domain is relayed on.
        // (The account is made before the receiver reads its accounts file again: the first tries may fail.)
        AccountStore.open(receiverData).add("relay@far.example", "relay password 1");
        Path secret = Files.writeString(senderData.resolve("relay-password"), "relay@far.example:relay password 1\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        // The test relay's certificate is self-signed: "required" (any certificate) instead of the default
        // "verified", which the next test shows refusing it.
        TernConfig file = load("""
                delivery:
                  relay_host: "[127.0.0.2]:%d"
                  relay_password_file: %s
                  relay_tls: required
                """.formatted(receiver.submissionPort(), secret));
        sender.close();
        sender = TestServer.start(senderData, c -> c.withRemote(file.remote()
                .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0)))
                .withDelivery(new DeliverySettings(8, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofDays(5))));
        QueueCommandWireTest.submit(sender, "bob@far.example");
        List<Path> bob = receiver.awaitMessages("bob", "far.example", 1, Duration.ofSeconds(15));
        assertThat(bob).hasSize(1);
        assertThat(Files.readString(bob.getFirst())).contains("with ESMTPSA");
        assertThat(dns.queries("far.example", "MX")).as("no MX lookup through a smart host").isZero();
    }

    @Test
    void dsnParametersGoOnToANextHopThatOffersDsnAndNeverMeansNoReport() throws Exception {
        QueueCommandWireTest.submitWith(sender, "MAIL FROM:<alice@localhost> RET=HDRS ENVID=env+2Done",
                "RCPT TO:<bob@far.example> NOTIFY=SUCCESS ORCPT=rfc822;bob@far.example",
                "RCPT TO:<nobody@far.example> NOTIFY=NEVER");
        assertThat(receiver.awaitMessages("bob", "far.example", 1, Duration.ofSeconds(15))).hasSize(1);
        // RFC 3461 §4.1: the next hop took NOTIFY=SUCCESS, so it reports the delivery, not Tern (its report to
        // alice@localhost waits in its queue: it has no route here). NOTIFY=NEVER: no DSN for the 550.
        String queued = receiverQueue();
        assertThat(queued).contains("\"sender\":\"\"").contains("alice@localhost");
        assertThat(sender.awaitMessages("alice", "localhost", 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void notifySuccessOfALocalDeliveryGetsADeliveredReportWithTheEnvelopeId() throws Exception {
        QueueCommandWireTest.submitWith(sender, "MAIL FROM:<alice@localhost> ENVID=env+2Done",
                "RCPT TO:<carol@localhost> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;carol@localhost");
        assertThat(sender.awaitMessages("carol", "localhost", 1, Duration.ofSeconds(15))).hasSize(1);
        String status = part(onlyDsnFor("alice"), "message/delivery-status");
        // ENVID is xtext (RFC 3461 §4.4): "+2D" is "-".
        assertThat(status).contains("Original-Envelope-Id: env-one").contains("Action: delivered")
                .contains("Original-Recipient: rfc822;carol@localhost").contains("Status: 2.0.0");
    }

    @Test
    void aStuckMessageWarnsTheSenderOnceThenFailsWhenItsLifetimeEnds() throws Exception {
        // Nothing listens on 127.0.0.5: every attempt defers; a warning after 300 ms, the bounce after 2 s.
        dns.remove("far.example");
        dns.mx("far.example", 10, "gone.far.example").a("gone.far.example", "127.0.0.5");
        sender.close();
        sender = TestServer.start(senderData, c -> c.withRemote(c.remote().withPort(receiver.port())
                        .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0)))
                .withDelivery(new DeliverySettings(8, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(2),
                        Duration.ofMillis(300))));
        QueueCommandWireTest.submit(sender, "bob@far.example");
        List<Path> notices = sender.awaitMessages("alice", "localhost", 2, Duration.ofSeconds(20));
        assertThat(notices).hasSize(2);
        List<String> statuses = new java.util.ArrayList<>();
        for (Path notice : notices) {
            var message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(Files.readAllBytes(notice)));
            statuses.add(part(message, "message/delivery-status"));
        }
        assertThat(statuses).anySatisfy(s -> assertThat(s).contains("Action: delayed").contains("Will-Retry-Until:")
                .contains("Status: 4.4.1"));
        assertThat(statuses).anySatisfy(s -> assertThat(s).contains("Action: failed").contains("Status: 4.4.1"));
        assertThat(sender.awaitMessages("alice", "localhost", 3, Duration.ofSeconds(2))).as("one warning only").hasSize(2);
    }

    @Test
    void verifiedTlsToASelfSignedServerWaitsWhileRequiredTlsDelivers() throws Exception {
        // The receiver's certificate is self-signed: "verified" refuses it (4.7.5, no plaintext fallback);
        // "required" takes any certificate, but never plaintext.
        dns.mx("strict.example", 10, "mx.strict.example").a("mx.strict.example", "127.0.0.2");
        sender.close();
        sender = TestServer.start(senderData, c -> c.withRemote(c.remote().withPort(receiver.port())
                        .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0))
                        .withTlsPolicies(Map.of(Domain.parse("strict.example"), TlsRequirement.VERIFIED,
                                Domain.parse("far.example"), TlsRequirement.REQUIRED))
                        .withSourceAddress(Optional.of(java.net.InetAddress.ofLiteral("127.0.0.9"))))
                .withDelivery(new DeliverySettings(8, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofDays(5))));
        String strict = QueueCommandWireTest.submit(sender, "bob@strict.example");
        QueueCommandWireTest.submit(sender, "carol@far.example");
        List<Path> carol = receiver.awaitMessages("carol", "far.example", 1, Duration.ofSeconds(15));
        assertThat(carol).hasSize(1);
        String received = Files.readString(carol.getFirst());
        assertThat(received).contains("with ESMTPS").contains("[127.0.0.9]"); // from the configured source address
        assertThat(awaitShown(strict, "4.7.5")).contains("4.7.5");
        assertThat(receiver.newMessages("bob", "strict.example")).isEmpty();
    }

    @Test
    void aRelayPasswordIsNeverSentToAnUnverifiedServer() throws Exception {
        Path secret = Files.writeString(senderData.resolve("relay-password"), "relay@far.example:relay password 1\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        TernConfig file = load("""
                delivery:
                  relay_host: "[127.0.0.2]:%d"
                  relay_password_file: %s
                """.formatted(receiver.submissionPort(), secret));
        sender.close();
        sender = TestServer.start(senderData, c -> c.withRemote(file.remote()
                .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0)))
                .withDelivery(new DeliverySettings(8, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofDays(5))));
        String id = QueueCommandWireTest.submit(sender, "bob@far.example");
        String shown = awaitShown(id, "4.7.5");
        // The self-signed certificate fails verification: no AUTH, no mail, the message waits (4.7.5).
        assertThat(shown).contains("4.7.5");
        assertThat(receiver.newMessages("bob", "far.example")).isEmpty();
    }

    /** {@code tern queue show id} once it mentions {@code text}, or as it is after 15 s. */
    private String awaitShown(String id, String text) {
        var out = new java.io.StringWriter();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String shown = "";
        while (System.nanoTime() < deadline && !shown.contains(text)) {
            out.getBuffer().setLength(0);
            dev.tern.app.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
                    "queue", "show", id, "--data", senderData.toString());
            shown = out.toString();
        }
        return shown;
    }

    private String receiverQueue() {
        var out = new java.io.StringWriter();
        int code = dev.tern.app.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
                "queue", "list", "--json", "--data", receiverData.toString());
        assertThat(code).isZero();
        return out.toString();
    }

    private MimeMessage onlyDsnFor(String user) throws Exception {
        List<Path> files = sender.awaitMessages(user, "localhost", 1, Duration.ofSeconds(15));
        assertThat(files).as("a DSN for " + user).hasSize(1);
        byte[] bytes = Files.readAllBytes(files.getFirst());
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    }

    /** The text of the first part of {@code type} in the report. */
    private static String part(MimeMessage message, String type) throws Exception {
        Multipart parts = (Multipart) message.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            Part part = parts.getBodyPart(i);
            if (part.isMimeType(type)) {
                try (var in = part.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    private static TernConfig load(String yaml) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config();
    }
}
