package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.TrustSettings;
import dev.tern.auth.AccountStore;
import dev.tern.dns.DnsSettings;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.milter.MilterSettings;
import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content checks of issue 9 through the whole server, over a real DNS server on loopback: SPF, DKIM and
 * DMARC results in one Authentication-Results field (forged ones removed), DMARC reject and quarantine, DKIM
 * signing of submitted mail checked by dkimpy, and a real milter (pymilter) adding a header, rejecting and
 * quarantining.
 */
class MailAuthWireTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path data;
    @TempDir
    Path keys;

    private TestDns dns;
    private TestServer server;
    private Process milter;
    private DkimSigner sender;
    private final Map<String, String> published = new LinkedHashMap<>();

    @BeforeEach
    void zone() throws IOException {
        dns = TestDns.start();
        for (DkimKeys.Key key : DkimKeys.generate(keys, "sender.test", "s1")) publish(key.dnsRecord());
        sender = DkimKeys.signers(keys, Clock.systemUTC()).get("sender.test");
        dns.txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").txt("_dmarc.sender.test", "v=DMARC1; p=reject");
        dns.txt("quar.test", "v=spf1 -all").txt("_dmarc.quar.test", "v=DMARC1; p=quarantine");
        // The server's own domain signs what alice submits.
        for (DkimKeys.Key key : DkimKeys.generate(data.resolve("dkim"), "localhost", "t1")) publish(key.dnsRecord());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (milter != null) {
            milter.destroyForcibly();
            try {
                milter.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dns != null) dns.close();
    }

    private void startServer(List<MilterSettings> milters) {
        server = TestServer.start(data, c -> c.withRemote(c.remote().withDns(
                new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0))).withTrust(withMilters(c, milters)));
    }

    private static TrustSettings withMilters(TernConfig c, List<MilterSettings> milters) {
        TrustSettings t = c.trust();
        return new TrustSettings(t.verify(), t.dmarc(), t.authservId(), t.publicSuffixList(), milters, t.dkimSign(),
                t.mtaSts(), t.dane(), t.trustAnchor(), t.tlsRpt());
    }

    @Test
    void signedMailPassesSpfDkimAndDmarcAndAForgedResultIsRemoved() throws Exception {
        startServer(List.of());
        String headers = "From: Ann <ann@sender.test>\r\nTo: bob@localhost\r\nSubject: signed\r\n"
                + "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@sender.test>\r\n";
        String body = "Hello Bob.\r\n";
        List<HeaderField> fields = HeaderSection.parse(headers.getBytes(StandardCharsets.US_ASCII));
        String signatures = String.join("", sender.sign(fields, body.getBytes(StandardCharsets.US_ASCII)));
        String forged = "Authentication-Results: localhost; dkim=pass header.d=paypal.test (forged)\r\n";
        assertThat(send("ann@sender.test", forged + signatures + headers + "\r\n" + body)).startsWith("250 ");

        String stored = only(server.awaitMessages("bob", "localhost", 1, Duration.ofSeconds(10)));
        assertThat(stored).doesNotContain("forged").contains("Authentication-Results: localhost;");
        String results = field(stored, "Authentication-Results");
        assertThat(results).contains("spf=pass", "smtp.mailfrom=ann@sender.test", "dkim=pass", "header.d=sender.test",
                "dmarc=pass", "header.from=sender.test", "arc=none");
        assertThat(stored.split("Authentication-Results:", -1)).hasSize(2);
    }

    @Test
    void dmarcRejectRefusesAtTheEndOfTheDataAndQuarantineFilesIntoJunk() throws Exception {
        startServer(List.of());
        // From: sender.test, neither signed nor sent from a domain aligned with it: DMARC fails, p=reject.
        assertThat(send("someone@other.test", "From: ann@sender.test\r\nSubject: spoof\r\n\r\nPay me.\r\n"))
                .startsWith("550 5.7.1").contains("DMARC");
        // Two authors: DMARC could pass for one and a reader see the other (RFC 7489 §6.6.1).
        assertThat(send("ann@sender.test", "From: ann@sender.test\r\nFrom: ceo@bank.test\r\nSubject: two\r\n\r\nhi\r\n"))
                .startsWith("550 5.7.1").contains("exactly one author");
        assertThat(send("ann@sender.test", "From: ann@sender.test, ceo@bank.test\r\nSubject: two\r\n\r\nhi\r\n"))
                .startsWith("550 5.7.1");
        // quar.test: SPF fails (-all), nothing signed, p=quarantine: delivered, but to Junk.
        assertThat(send("x@quar.test", "From: x@quar.test\r\nSubject: maybe spam\r\n\r\nhi\r\n")).startsWith("250 ");
        String filed = only(server.awaitMessages("bob", "localhost", "Junk", 1, Duration.ofSeconds(10)));
        assertThat(field(filed, "Authentication-Results")).contains("spf=fail", "dmarc=fail", "policy.dmarc=quarantine");
        assertThat(server.newMessages("bob", "localhost")).isEmpty();
    }

    @Test
    void submittedMailIsSignedWithBothKeysAndDkimpyVerifiesBoth() throws Exception {
        RequiredTool.require(dkimpyPresent(), "dkimpy is not installed (Debian package python3-dkim)");
        AccountStore.open(data).add("alice@localhost", "correct horse battery");
        startServer(List.of());
        try (StartTlsWireTest.Client client = new StartTlsWireTest.Client(server.submissionPort())) {
            client.reply();
            client.ask("EHLO client.test");
            assertThat(client.ask("STARTTLS")).startsWith("220");
            client.startTls();
            client.ask("EHLO client.test");
            assertThat(client.ask("AUTH PLAIN " + StartTlsWireTest.base64("\0alice@localhost\0correct horse battery")))
                    .startsWith("235");
            client.ask("MAIL FROM:<alice@localhost>");
            client.ask("RCPT TO:<bob@localhost>");
            client.ask("DATA");
            assertThat(client.ask("From: Alice <alice@localhost>\r\nTo: bob@localhost\r\nSubject: signed by us\r\n\r\n"
                    + "Hello.\r\n.")).startsWith("250");
        }
        String stored = only(server.awaitMessages("bob", "localhost", 1, Duration.ofSeconds(10)));
        assertThat(stored).contains("d=localhost;", "s=t1-ed25519;", "s=t1-rsa;");
        assertThat(field(stored, "Authentication-Results")).contains("auth=pass", "smtp.auth=alice@localhost");
        Path message = keys.resolve("signed.eml");
        Files.writeString(message, stored.replace("\n", "\r\n"), StandardCharsets.UTF_8);
        Path records = keys.resolve("records.json");
        StringBuilder json = new StringBuilder("{");
        published.forEach((name, text) -> json.append(json.length() > 1 ? "," : "").append('"').append(name)
                .append("\":\"").append(text).append('"'));
        Files.writeString(records, json.append('}').toString());
        Path tool = Path.of("../tern-mailauth/src/test/resources/dev/tern/mailauth/dkim/dkimpy_tool.py");
        Process dkimpy = new ProcessBuilder(PYTHON.toString(), tool.toString(), "verify", message.toString(),
                records.toString(), "2").redirectErrorStream(true).start();
        String verdicts = new String(dkimpy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dkimpy.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(verdicts.lines().toList()).as(verdicts).containsExactly("pass", "pass");
    }

    @Test
    void aRealMilterAddsAHeaderRejectsAndQuarantines() throws Exception {
        RequiredTool.require(pymilterPresent(), "python3-milter is not installed (Debian package python3-milter)");
        int port = startMilter();
        startServer(List.of(MilterSettings.of("test", "inet:127.0.0.1:" + port)));

        assertThat(send("ann@sender.test", "From: ann@sender.test\r\nSubject: hello\r\n\r\nhi\r\n")).startsWith("250 ");
        String stored = only(server.awaitMessages("bob", "localhost", 1, Duration.ofSeconds(10)));
        assertThat(field(stored, "X-Milter")).contains("seen", "<bob@localhost>", "subject=hello");

        assertThat(send("ann@sender.test", "From: ann@sender.test\r\nSubject: reject-me\r\n\r\nhi\r\n"))
                .startsWith("550 5.7.1").contains("rejected by the test filter");
        assertThat(send("ann@sender.test", "From: ann@sender.test\r\nSubject: tempfail-me\r\n\r\nhi\r\n"))
                .startsWith("451 4.7.1");
        assertThat(send("ann@sender.test", "From: ann@sender.test\r\nSubject: quarantine-me\r\n\r\nhi\r\n"))
                .startsWith("250 ");
        assertThat(server.awaitMessages("bob", "localhost", "Junk", 1, Duration.ofSeconds(10))).hasSize(1);
        assertThat(server.newMessages("bob", "localhost")).hasSize(1);
    }

    /** One message over SMTP from 127.0.0.1; the reply to its end of data. */
    private String send(String from, String content) throws IOException {
        try (StartTlsWireTest.Client client = new StartTlsWireTest.Client(server.port())) {
            client.reply();
            client.ask("EHLO client.sender.test");
            client.ask("MAIL FROM:<" + from + ">");
            assertThat(client.ask("RCPT TO:<bob@localhost>")).startsWith("250");
            assertThat(client.ask("DATA")).startsWith("354");
            String reply = client.ask(content + ".");
            client.ask("QUIT");
            return reply;
        }
    }

    /** Publishes a record as {@code tern dkim keygen} prints it, and remembers it for dkimpy. */
    private void publish(String printed) {
        String name = printed.substring(0, printed.indexOf(". IN TXT"));
        List<String> strings = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(printed);
        while (m.find()) strings.add(m.group(1));
        dns.txt(name, strings.toArray(String[]::new));
        published.put(name, String.join("", strings));
    }

    /** The unfolded value of the first field named {@code name} in a stored (LF) message. */
    private static String field(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":(.*(?:\\n[ \\t].*)*)").matcher(message);
        assertThat(m.find()).as("a %s field in%n%s", name, message).isTrue();
        return m.group(1).replaceAll("\\n[ \\t]+", " ").strip();
    }

    private static String only(List<Path> files) throws IOException {
        assertThat(files).hasSize(1);
        return Files.readString(files.getFirst(), StandardCharsets.UTF_8);
    }

    private int startMilter() throws IOException, InterruptedException {
        Path script = keys.resolve("auth_test_milter.py");
        try (InputStream in = MailAuthWireTest.class.getResourceAsStream("auth_test_milter.py")) {
            Files.copy(in, script);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        milter = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(keys.resolve("milter.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return port;
            } catch (IOException notYet) {
                if (milter.waitFor(25, TimeUnit.MILLISECONDS)) break;
            }
        }
        throw new IOException("the milter did not listen: " + Files.readString(keys.resolve("milter.log")));
    }

    private static boolean dkimpyPresent() {
        return RequiredTool.systemPythonHas("dkim, nacl");
    }

    private static boolean pymilterPresent() {
        return RequiredTool.systemPythonHas("Milter");
    }
}
