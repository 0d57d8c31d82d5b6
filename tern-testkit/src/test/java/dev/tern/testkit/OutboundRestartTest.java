package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue across a restart, and a route back to ourselves (issue 7): a message deferred because its MX is
 * down is still there after the sender restarts and arrives once the MX listens; an MX that is the sender
 * itself is a loop (RFC 5321 §5.1), a 5.4.6 DSN without a connection.
 */
class OutboundRestartTest {
    private static final String MX_ADDRESS = "127.0.0.12";

    @TempDir
    Path senderData;
    @TempDir
    Path receiverData;

    TestDns dns;
    TestServer sender;
    TestServer receiver;
    int port;

    @BeforeEach
    void start() throws Exception {
        dns = TestDns.start();
        dns.mx("far.example", 10, "mx.far.example").a("mx.far.example", MX_ADDRESS);
        port = OutboundFixture.freePort(MX_ADDRESS);
    }

    @AfterEach
    void stop() {
        if (sender != null) sender.close();
        if (receiver != null) receiver.close();
        dns.close();
    }

    @Test
    void aDeferredMessageSurvivesARestartAndIsDeliveredOnceTheDestinationIsUp() throws Exception {
        sender = OutboundFixture.sender(senderData, dns, port, Duration.ofSeconds(5));
        String id = OutboundFixture.submit(sender, "bob@far.example");
        // Nothing listens on the MX yet: refused, deferred (4.4.1 no answer from host), still queued.
        assertThat(OutboundFixture.awaitQueue(senderData, "4.4.1", Duration.ofSeconds(10))).contains(id).contains("pending")
                .contains("4.4.1").contains("connection refused");
        sender.close();
        sender = null;

        TernConfig far = load("""
                hostname: mx.far.example
                domains: [far.example]
                users: [bob@far.example]
                """);
        List<InetSocketAddress> mx = List.of(new InetSocketAddress(MX_ADDRESS, port));
        List<InetSocketAddress> any = List.of(new InetSocketAddress(MX_ADDRESS, 0));
        receiver = TestServer.start(receiverData, c -> new TernConfig(c.dataDirectory(), c.server().withListeners(mx, any, any),
                far.session(), far.directory(), c.spool(), c.delivery()));
        assertThat(receiver.newMessages("bob", "far.example")).as("nothing arrives while the sender is down").isEmpty();

        sender = OutboundFixture.sender(senderData, dns, port, Duration.ofSeconds(5));
        List<Path> copies = receiver.awaitMessages("bob", "far.example", 1, Duration.ofSeconds(15));
        assertThat(copies).hasSize(1);
        assertThat(java.nio.file.Files.readString(copies.getFirst())).contains("Message-ID: <" + id + "@localhost>");
        assertThat(receiver.awaitMessages("bob", "far.example", 2, Duration.ofSeconds(2))).as("exactly one copy").hasSize(1);
        assertThat(OutboundFixture.queue(senderData)).doesNotContain(id);
        assertThat(sender.newMessages("alice", "localhost")).as("no DSN for a delivered message").isEmpty();
    }

    @Test
    void anMxThatIsThisServersOwnAddressIsALoop() throws Exception {
        // The sender listens on 127.0.0.1 and delivers to its own SMTP port: a connection would reach itself.
        dns.mx("loop.example", 10, "mx.loop.example").a("mx.loop.example", "127.0.0.1");
        sender = loopingSender();
        OutboundFixture.submit(sender, "someone@loop.example");
        assertLoop();
    }

    @Test
    void anMxNamedLikeThisServerIsALoop() throws Exception {
        // The MX is the sender's own hostname (localhost); its address has a server that must not be called.
        try (ScriptedSmtpServer elsewhere = ScriptedSmtpServer.answering(new InetSocketAddress("127.0.0.13", port))) {
            dns.mx("loop.example", 10, "localhost").a("localhost", "127.0.0.13");
            sender = OutboundFixture.sender(senderData, dns, port, Duration.ofSeconds(5));
            OutboundFixture.submit(sender, "someone@loop.example");
            assertLoop();
            assertThat(elsewhere.commands()).as("no connection to the MX named like us").isEmpty();
        }
    }

    /** A sender whose remote port is its own SMTP port on 127.0.0.1, so that a connection would reach itself. */
    private TestServer loopingSender() throws Exception {
        int own = OutboundFixture.freePort("127.0.0.1");
        List<InetSocketAddress> smtp = List.of(new InetSocketAddress("127.0.0.1", own));
        List<InetSocketAddress> any = List.of(new InetSocketAddress("127.0.0.1", 0));
        return OutboundFixture.sender(senderData, dns, own, Duration.ofSeconds(5), c -> new TernConfig(c.dataDirectory(),
                c.server().withListeners(smtp, any, any), c.session(), c.directory(), c.spool(), c.delivery())
                .withRemote(c.remote()));
    }

    private void assertLoop() throws Exception {
        String status = OutboundFixture.onlyDsnStatus(sender);
        // RFC 3463 X.4.6 routing loop detected; Postfix: "mail for loop.example loops back to myself".
        assertThat(status).contains("Final-Recipient: rfc822;someone@loop.example").contains("Action: failed")
                .contains("Status: 5.4.6");
        // A connection to itself would have been refused as relaying (5.7.1) or taken the mail: only the DSN.
        assertThat(sender.awaitMessages("alice", "localhost", 2, Duration.ofMillis(500))).hasSize(1);
    }

    private static TernConfig load(String yaml) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config();
    }
}
