package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.directory.DirectorySettings;
import dev.tern.dns.DnsSettings;
import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SRS end to end: an alias forwards off-site with an SRS0 reverse path at our host name; a bounce to that address
 * over SMTP is accepted and relayed to the original sender; a forged one is refused with 550.
 */
class SrsWireTest {
    @TempDir
    Path data;

    private TestDns dns;
    private ScriptedSmtpServer far;
    private TestServer server;
    private final Map<String, String> records = new java.util.LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        dns = TestDns.start();
        int port = OutboundFixture.freePort("127.0.0.2");
        far = ScriptedSmtpServer.answering(new InetSocketAddress("127.0.0.2", port), "DSN");
        dns.mx("far.test", 10, "mx.far.test").mx("origin.test", 10, "mx.far.test").a("mx.far.test", "127.0.0.2");
        // Keys of the host name's parent domain: forwards are signed again and ARC-sealed with them (issue 9).
        for (DkimKeys.Key key : DkimKeys.generate(data.resolve("dkim"), "example.test", "fw")) {
            String printed = key.dnsRecord();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(printed);
            StringBuilder text = new StringBuilder();
            while (m.find()) text.append(m.group(1));
            records.put(printed.substring(0, printed.indexOf(". IN TXT")), text.toString());
        }
        DirectorySettings directory = new DirectorySettings(Set.of(Domain.parse("example.test")), false,
                Set.of(Mailbox.of("bob", "example.test")),
                Map.of(Mailbox.of("fwd", "example.test"), List.of(Mailbox.of("friend", "far.test"),
                        Mailbox.of("bob", "example.test")),
                        Mailbox.of("gone", "example.test"), List.of(Mailbox.of("friend", "nowhere.test"))), Map.of(), "+");
        RemoteSettings remote = RemoteSettings.defaults().withPort(port)
                .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));
        server = TestServer.start(data, c -> new TernConfig(c.dataDirectory(), c.server(),
                c.session().withHostname("mx.example.test"), directory, c.spool(),
                new DeliverySettings(8, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofDays(5)), c.tls(),
                c.checkSender(), c.auth(), remote, c.imap(), c.pop3(), c.dnsbl()));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (far != null) far.close();
        if (dns != null) dns.close();
    }

    @Test
    void forwardCarriesSrsAndItsBounceReachesTheOriginalSender() throws Exception {
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.origin.test
                S: <250 reply>
                C: MAIL FROM:<alice@origin.test>
                S: 250 *
                C: RCPT TO:<fwd@example.test>
                S: 250 *
                C: DATA
                S: 354 *
                C: Subject: forwarded
                C:
                C: hi
                C: .
                S: 250 2.0.0 *
                C: QUIT
                S: 221 *
                """);
        // The local member gets its copy with the original Return-Path; the off-site one an SRS0 reverse path.
        assertThat(server.awaitMessages("bob", "example.test", 1, Duration.ofSeconds(10))).hasSize(1);
        String mailFrom = awaitCommand("MAIL FROM:<SRS0=").orElseThrow();
        assertThat(mailFrom).matches("MAIL FROM:<SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=origin\\.test=alice@mx\\.example\\.test>.*");
        assertThat(awaitCommand("RCPT TO:<friend@far.test>")).isPresent();
        String srs = mailFrom.substring("MAIL FROM:<".length(), mailFrom.indexOf('>'));
        forwardIsSignedAndSealed();

        // The far side bounces it: the null path, to the SRS address, back over SMTP (as MTAs change case).
        String shouted = srs.toUpperCase(java.util.Locale.ROOT);
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO mx.far.test
                S: <250 reply>
                C: MAIL FROM:<>
                S: 250 *
                C: RCPT TO:<%s>
                S: 250 *
                C: DATA
                S: 354 *
                C: Subject: Undelivered Mail Returned to Sender
                C:
                C: bounce
                C: .
                S: 250 2.0.0 *
                C: QUIT
                S: 221 *
                """.formatted(shouted));
        // Relayed on to alice@origin.test (in the case the bounce gave), with the SRS address as the ORCPT,
        // xtext-encoded (RFC 3461 §4.2: "=" is "+3D", "+" of the hash "+2B").
        String rcpt = awaitCommand("RCPT TO:<alice@origin.test>").orElseThrow();
        String local = shouted.substring(0, shouted.indexOf('@'));
        assertThat(rcpt).contains("ORCPT=rfc822;" + local.replace("+", "+2B").replace("=", "+3D") + "@mx.example.test");
        assertThat(far.commands()).contains("MAIL FROM:<>");
    }

    @Test
    void ourOwnDsnAboutAFailedForwardReachesTheOriginalSender() {
        // nowhere.test does not exist: the forward fails here, and our DSN goes to the forward's SRS0 address,
        // which delivery routes to the original sender as RCPT would.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.origin.test
                S: <250 reply>
                C: MAIL FROM:<alice@origin.test>
                S: 250 *
                C: RCPT TO:<gone@example.test>
                S: 250 *
                C: DATA
                S: 354 *
                C: Subject: to nowhere
                C:
                C: hi
                C: .
                S: 250 2.0.0 *
                C: QUIT
                S: 221 *
                """);
        assertThat(awaitCommand("RCPT TO:<alice@origin.test>")).isPresent();
        assertThat(far.commands()).contains("MAIL FROM:<>");
    }

    @Test
    void forgedOrUnknownSrsAddressesAreRefusedAndOpenNoRelay() {
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO mx.far.test
                S: <250 reply>
                C: MAIL FROM:<>
                S: 250 *
                C: RCPT TO:<SRS0=AAAA=AB=origin.test=alice@mx.example.test>
                S: 550 5.7.1 <SRS0=AAAA=AB=origin.test=alice@mx.example.test>: invalid SRS address
                C: RCPT TO:<SRS1=AAAA=fwd.test==BBBB=AB=origin.test=alice@example.test>
                S: 550 5.7.1 *invalid SRS address
                C: RCPT TO:<alice@origin.test>
                S: 550 5.7.1 Relay access denied
                C: QUIT
                S: 221 *
                """);
    }

    /** Polls what the far side read until a command starts with {@code prefix}, for at most 15 seconds. */
    /**
     * The forward carries an ARC set of ours (RFC 8617) and a DKIM signature of example.test; dkimpy, an independent
     * implementation, validates the chain and the signature.
     */
    private void forwardIsSignedAndSealed() throws Exception {
        awaitCommand("QUIT");
        String forwarded = far.messages().stream().filter(m -> m.contains("Subject: forwarded")).findFirst().orElseThrow();
        assertThat(forwarded).contains("ARC-Seal: i=1;", "ARC-Message-Signature: i=1;",
                "ARC-Authentication-Results: i=1; mx.example.test;", "DKIM-Signature:", "d=example.test;");
        RequiredTool.require(RequiredTool.systemPythonHas("dkim"), "dkimpy is not installed (Debian package python3-dkim)");
        Path message = data.resolve("forwarded.eml");
        Path keys = data.resolve("keys.json");
        Files.writeString(message, forwarded);
        Files.writeString(keys, records.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(java.util.stream.Collectors.joining(",", "{", "}")));
        String arc = python("../tern-mailauth/src/test/resources/dev/tern/mailauth/arc/arc_tool.py", "verify",
                keys.toString(), message.toString());
        assertThat(arc).contains("\"cv\": \"pass\"");
        String dkim = python("../tern-mailauth/src/test/resources/dev/tern/mailauth/dkim/dkimpy_tool.py", "verify",
                message.toString(), keys.toString(), "1");
        assertThat(dkim.strip()).isEqualTo("pass");
    }

    private static String python(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private Optional<String> awaitCommand(String prefix) {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
            Optional<String> found = far.commands().stream().filter(c -> c.regionMatches(true, 0, prefix, 0, prefix.length()))
                    .findFirst();
            if (found.isPresent()) return found;
            try {
                Thread.sleep(20); // polling another server's record with a deadline; there is no event to await
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }
}
