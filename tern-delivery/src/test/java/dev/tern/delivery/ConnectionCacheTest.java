package dev.tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.CountingSmtpServer.Fault;
import dev.tern.mail.Domain;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.client.ClientSettings;
import dev.tern.smtp.client.DotEncoder;
import dev.tern.smtp.client.RcptOutcome;
import dev.tern.smtp.client.TlsPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Connection reuse (issue 7; QUEUE-SHAPE.md §2 "Reuse") over real sockets: {@link SmtpConnection} with a
 * {@link ConnectionCache} against a {@link CountingSmtpServer} that counts the connections it accepts.
 */
class ConnectionCacheTest {
    private static final byte[] CONTENT = "Subject: reuse\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final RemoteSettings SETTINGS = RemoteSettings.defaults()
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    private static final ClientSettings PLAIN = ClientSettings.of(Domain.parse("client.test"));

    @Test
    void messagesOneAfterAnotherShareOneConnection() throws Exception {
        try (var server = CountingSmtpServer.start(Fault.NONE); var cache = new ConnectionCache(ConnectionReuse.defaults())) {
            for (int i = 0; i < 20; i++) assertDelivered(send(cache, server, PLAIN, i));
            assertThat(server.accepted).hasValue(1);
            assertThat(server.messages).hasValue(20);
            // RFC 5321 §4.1.1.5: each transaction after the first on the connection starts with RSET.
            assertThat(server.rsets).hasValue(19);
            assertThat(cache.idle()).isEqualTo(1);
        }
    }

    @Test
    void concurrentDeliveriesToABusyDestinationOpenFarFewerConnectionsThanMessages() throws Exception {
        try (var server = CountingSmtpServer.start(Fault.NONE); var cache = new ConnectionCache(ConnectionReuse.defaults());
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t * 25;
                senders.add(threads.submit(() -> {
                    for (int i = first; i < first + 25; i++) assertDelivered(send(cache, server, PLAIN, i));
                    return null;
                }));
            }
            for (Future<?> sender : senders) sender.get();
            assertThat(server.messages).hasValue(200);
            // At most one connection per concurrent delivery: < 0.1 new connections per message (issue 7).
            assertThat(server.accepted.get()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void aConnectionCarriesAtMostMaxMessagesThenSaysQuit() throws Exception {
        var bounds = new ConnectionReuse(Duration.ofSeconds(2), 5, Duration.ofSeconds(300), 100);
        try (var server = CountingSmtpServer.start(Fault.NONE); var cache = new ConnectionCache(bounds)) {
            for (int i = 0; i < 12; i++) assertDelivered(send(cache, server, PLAIN, i));
            assertThat(server.accepted).hasValue(3);
            assertThat(await(() -> server.quits.get() == 2)).isTrue();
        }
    }

    @Test
    void anIdleConnectionIsClosedWithQuitAfterItsBound() throws Exception {
        var bounds = new ConnectionReuse(Duration.ofMillis(150), 100, Duration.ofSeconds(300), 100);
        try (var server = CountingSmtpServer.start(Fault.NONE); var cache = new ConnectionCache(bounds)) {
            assertDelivered(send(cache, server, PLAIN, 0));
            assertThat(await(() -> server.open.get() == 0 && cache.idle() == 0 && server.quits.get() == 1)).isTrue();
            assertDelivered(send(cache, server, PLAIN, 1));
            assertThat(server.accepted).hasValue(2);
        }
    }

    @Test
    void aParkedConnectionTheServerClosedIsReplacedAtOnce() throws Exception {
        try (var server = CountingSmtpServer.start(Fault.CLOSE_AFTER_MESSAGE);
             var cache = new ConnectionCache(ConnectionReuse.defaults())) {
            assertDelivered(send(cache, server, PLAIN, 0));
            assertThat(await(() -> server.open.get() == 0)).isTrue();
            // The client still holds it parked; the delivery finds it dead and goes on over a new connection.
            assertDelivered(send(cache, server, PLAIN, 1));
            assertThat(server.accepted).hasValue(2);
            assertThat(server.messages).hasValue(2);
        }
    }

    @Test
    void aRefusedRsetOpensANewConnection() throws Exception {
        try (var server = CountingSmtpServer.start(Fault.RSET_421); var cache = new ConnectionCache(ConnectionReuse.defaults())) {
            for (int i = 0; i < 3; i++) assertDelivered(send(cache, server, PLAIN, i));
            assertThat(server.rsets).hasValue(2);
            assertThat(server.accepted).hasValue(3);
        }
    }

    @Test
    void connectionsAreNotSharedAcrossTlsPolicies() throws Exception {
        var noTls = new ClientSettings(PLAIN.heloName(), TlsPolicy.DISABLED, PLAIN.auth());
        try (var server = CountingSmtpServer.start(Fault.NONE); var cache = new ConnectionCache(ConnectionReuse.defaults())) {
            for (int i = 0; i < 6; i++) assertDelivered(send(cache, server, i % 2 == 0 ? PLAIN : noTls, i));
            assertThat(server.accepted).hasValue(2);
        }
    }

    @Test
    void withReuseOffEachMessageHasItsOwnConnection() throws Exception {
        try (var server = CountingSmtpServer.start(Fault.NONE); var cache = new ConnectionCache(ConnectionReuse.off())) {
            for (int i = 0; i < 4; i++) assertDelivered(send(cache, server, PLAIN, i));
            assertThat(server.accepted).hasValue(4);
            assertThat(await(() -> server.quits.get() == 4)).isTrue();
            assertThat(cache.idle()).isZero();
        }
    }

    @Test
    void closingTheCacheSaysQuitToEveryParkedConnection() throws Exception {
        try (var server = CountingSmtpServer.start(Fault.NONE)) {
            var cache = new ConnectionCache(ConnectionReuse.defaults());
            assertDelivered(send(cache, server, PLAIN, 0));
            cache.close();
            assertThat(await(() -> server.open.get() == 0 && server.quits.get() == 1)).isTrue();
        }
    }

    private static SmtpConnection.Result send(ConnectionCache cache, CountingSmtpServer server, ClientSettings client, int n)
            throws java.io.IOException {
        var envelope = new Envelope(ReversePath.of(Mailbox.of("alice", "client.test")),
                List.of(Recipient.of(Mailbox.of("bob" + n, "far.test"))), MailOptions.NONE);
        DotEncoder scanner = DotEncoder.scanner();
        scanner.feed(CONTENT, 0, CONTENT.length);
        scanner.finish();
        var connection = new SmtpConnection(SETTINGS, OpportunisticTls.context(), false, cache, "Q" + n, "counting.test",
                "counting.test");
        return connection.run(server.address(), client, envelope, scanner.facts(), () -> new ByteArrayInputStream(CONTENT));
    }

    private static void assertDelivered(SmtpConnection.Result result) {
        assertThat(result.outcomes()).hasSize(1).allMatch(o -> o instanceof RcptOutcome.Delivered);
    }

    /** Polls with a deadline (no sleeps as waits: the condition decides). */
    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10); // a poll interval, not a wait for the condition
        }
        return condition.getAsBoolean();
    }
}
