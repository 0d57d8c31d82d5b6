package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.Main;
import dev.tern.auth.AccountStore;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.dns.DnsSettings;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * What the outbound tests against third-party receivers share: a sending Tern (alice@localhost may submit)
 * whose resolver is a {@link TestDns} and which delivers to one port on every remote host, quick retries, and
 * readers for its queue listing and for the DSNs alice gets.
 */
final class OutboundFixture {
    private OutboundFixture() {}

    /** Retries after 200 ms, at most every second: a deferred message comes back within a test's patience. */
    static final DeliverySettings QUICK_RETRIES = new DeliverySettings(8, Duration.ofMillis(200), Duration.ofSeconds(1),
            Duration.ofDays(5));

    static TestServer sender(Path data, TestDns dns, int remotePort, Duration commandTimeout) throws IOException {
        return sender(data, dns, remotePort, commandTimeout, c -> c);
    }

    /** The same, with a last change to the configuration (other listeners, say). */
    static TestServer sender(Path data, TestDns dns, int remotePort, Duration commandTimeout,
                             java.util.function.UnaryOperator<dev.tern.app.TernConfig> more) throws IOException {
        if (!Files.exists(data.resolve(AccountStore.FILE_NAME))) AccountStore.open(data).add("alice@localhost", QueueCommandWireTest.PASSWORD);
        return TestServer.start(data, c -> more.apply(c.withRemote(RemoteSettings.defaults().withPort(remotePort)
                        .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0))
                        .withTimeouts(Duration.ofSeconds(2), commandTimeout, commandTimeout)
                        .withDownFor(Duration.ofMillis(100)))
                .withDelivery(QUICK_RETRIES)));
    }

    /** A port free at this moment on {@code address} (a loopback address of the 127/8 network). */
    static int freePort(String address) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return probe.getLocalPort();
        }
    }

    /** Submits one message as alice on the submission port: {@code mail} and {@code rcpts} are whole commands. */
    static String submit(TestServer server, String mail, List<String> rcpts, String content) throws Exception {
        try (var client = new StartTlsWireTest.Client(server.submissionPort())) {
            client.reply();
            client.ask("EHLO client.test");
            assertThat(client.ask("STARTTLS")).startsWith("220 2.0.0");
            client.startTls();
            client.ask("EHLO client.test");
            assertThat(client.ask("AUTH PLAIN " + StartTlsWireTest.base64("\0alice@localhost\0"
                    + QueueCommandWireTest.PASSWORD))).startsWith("235");
            assertThat(client.ask(mail)).startsWith("250");
            for (String rcpt : rcpts) assertThat(client.ask(rcpt)).startsWith("250");
            assertThat(client.ask("DATA")).startsWith("354");
            String reply = client.ask(content + "\r\n.");
            assertThat(reply).startsWith("250 2.0.0");
            return reply.replaceAll("(?s).*queued as ([A-Z0-9]+).*", "$1").trim();
        }
    }

    /** The last line of every message the tests submit: a receiver that has it has the whole message. */
    static final String END = "sent by the outbound tests";

    static String submit(TestServer server, String... recipients) throws Exception {
        return submit(server, "MAIL FROM:<alice@localhost>",
                java.util.Arrays.stream(recipients).map(r -> "RCPT TO:<" + r + ">").toList(),
                "Subject: outbound\r\n\r\n" + END);
    }

    /** {@code tern queue list --json} against the running server on {@code data}. */
    static String queue(Path data) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "queue", "list", "--json", "--data", data.toString());
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    /** Polls the queue listing (bounded) until it contains {@code text}; returns the last listing. */
    static String awaitQueue(Path data, String text, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        String listing = queue(data);
        while (!listing.contains(text) && System.nanoTime() < until) {
            Thread.sleep(20); // polling the queue with a deadline; there is no event to await
            listing = queue(data);
        }
        return listing;
    }

    /** Polls the queue listing (bounded) until {@code text} is gone from it; returns the last listing. */
    static String awaitNotInQueue(Path data, String text, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        String listing = queue(data);
        while (listing.contains(text) && System.nanoTime() < until) {
            Thread.sleep(20); // polling the queue with a deadline; there is no event to await
            listing = queue(data);
        }
        return listing;
    }

    /** The only DSN alice got (waiting up to 15 s for it), parsed by Angus Mail. */
    static MimeMessage onlyDsn(TestServer sender) throws Exception {
        List<Path> files = sender.awaitMessages("alice", "localhost", 1, Duration.ofSeconds(15));
        assertThat(files).as("a DSN for alice").hasSize(1);
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(Files.readAllBytes(files.getFirst())));
    }

    /**
     * The status part of the only DSN alice got: message/delivery-status, or message/global-delivery-status
     * for a report on an SMTPUTF8 message (RFC 6533 §6).
     */
    static String onlyDsnStatus(TestServer sender) throws Exception {
        MimeMessage dsn = onlyDsn(sender);
        assertThat(dsn.getContentType()).contains("multipart/report");
        try {
            return part(dsn, "message/delivery-status");
        } catch (AssertionError e) {
            return part(dsn, "message/global-delivery-status");
        }
    }

    static String part(MimeMessage message, String type) throws Exception {
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
}
