package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import dev.tern.auth.AccountStore;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.delivery.dns.DnsSettings;
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
                """);
        List<InetSocketAddress> second = List.of(new InetSocketAddress("127.0.0.2", 0));
        receiver = TestServer.start(receiverData, c -> new TernConfig(c.dataDirectory(),
                c.server().withListeners(second, second, second), far.session(), far.directory(), c.spool(),
                c.delivery()));
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
