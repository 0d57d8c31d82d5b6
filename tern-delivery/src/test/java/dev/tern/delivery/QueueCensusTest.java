package dev.tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.QueueCensus.State;
import dev.tern.delivery.dsn.DsnComposer;
import dev.tern.delivery.dsn.DsnSettings;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectorySettings;
import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.mail.Telemetry;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue runner keeps its {@link QueueCensus} at each transition (docs/metrics.md): counts right after commits,
 * deferrals, hold, release, delete and delivery, and the same counts rebuilt from the spool after a restart.
 */
class QueueCensusTest {
    @TempDir
    Path data;

    /** Delivers when {@code open} is set, else fails every recipient temporarily. */
    private static Transport switchable(AtomicBoolean open) {
        return (message, recipients) -> recipients.stream().<RecipientOutcome>map(i -> open.get()
                ? new RecipientOutcome.Delivered(i, "test", "250 ok")
                : new RecipientOutcome.TemporaryFailure(i, EnhancedStatus.of(4, 4, 1), "test", "451 try later")).toList();
    }

    private static QueueRunner runner(Spool spool, AtomicBoolean open) {
        DeliverySettings settings = new DeliverySettings(4, Duration.ofHours(1), Duration.ofHours(2), Duration.ofDays(5));
        var notifier = new Notifier(spool, new DsnComposer(Domain.parse("localhost"), DsnSettings.defaults()),
                Mailbox.of("postmaster", "localhost"));
        return new QueueRunner(settings, spool, new Directory(DirectorySettings.defaults()), switchable(open),
                switchable(open), notifier, Clock.systemUTC(), () -> { });
    }

    private static QueueId commit(Spool spool, int i) throws IOException {
        byte[] content = ("Subject: " + i + "\r\n\r\nhi\r\n").getBytes(StandardCharsets.US_ASCII);
        var envelope = new Envelope(ReversePath.NULL, List.of(Recipient.of(Mailbox.of("u" + i, "far.example"))),
                MailOptions.NONE);
        try (MessageWriter writer = spool.begin()) {
            writer.write(content, 0, content.length);
            writer.commit(envelope);
            return writer.id();
        }
    }

    @Test
    void countsFollowEachTransitionAndAreRebuiltAfterARestart() throws Exception {
        AtomicBoolean open = new AtomicBoolean(false);
        List<QueueId> ids = new ArrayList<>();
        Instant started = Instant.now();
        try (Spool spool = Spool.open(data, new SpoolSettings(false))) {
            QueueRunner runner = runner(spool, open);
            runner.start();
            QueueCensus census = runner.census();
            for (int i = 0; i < 5; i++) ids.add(commit(spool, i));
            await(() -> census.count(State.DEFERRED) == 5);
            assertThat(census.size()).isEqualTo(5);
            assertThat(census.count(State.QUEUED) + census.count(State.ACTIVE) + census.count(State.HOLD)).isZero();

            spool.update(ids.get(0), List.of(Spool.Change.Flagged.setting(SpooledMessage.HELD)));
            runner.held(ids.get(0));
            assertThat(census.count(State.HOLD)).isEqualTo(1);
            assertThat(census.count(State.DEFERRED)).isEqualTo(4);

            spool.update(ids.get(1), List.of(new Spool.Change.Completed(0, dev.tern.spool.RecipientState.Status.FAILED,
                    "5.0.0 deleted by the operator")));
            runner.deleted(ids.get(1));
            assertThat(census.size()).isEqualTo(4);

            open.set(true); // the destination is back: a flushed message is delivered and leaves the census
            runner.flush(List.of(ids.get(2)));
            await(() -> census.size() == 3);
            assertThat(census.count(State.DEFERRED)).isEqualTo(2);
            assertThat(census.count(State.HOLD)).isEqualTo(1);
            runner.close();
        }
        try (Spool spool = Spool.open(data, new SpoolSettings(false))) {
            QueueRunner runner = runner(spool, open);
            runner.start(); // deferred for an hour: nothing falls due during the test
            QueueCensus census = runner.census();
            assertThat(census.size()).isEqualTo(3);
            assertThat(census.count(State.HOLD)).isEqualTo(1);
            assertThat(census.count(State.DEFERRED)).isEqualTo(2);
            Instant now = Instant.now();
            assertThat(census.olderThan(Duration.ofHours(1), now)).isZero();
            assertThat(census.olderThan(Duration.ofHours(1), now.plus(Duration.ofHours(2)))).isEqualTo(3);
            assertThat(census.oldest(now)).isLessThanOrEqualTo(Duration.between(started, now).plusMinutes(1));
            assertThat(census.oldest(now.plus(Duration.ofDays(1)))).isGreaterThanOrEqualTo(Duration.ofDays(1));

            open.set(true); // released (as tern queue release does it): due at once, and delivered
            spool.update(ids.get(0), List.of(Spool.Change.Flagged.clearing(SpooledMessage.HELD)));
            runner.released(ids.get(0));
            await(() -> census.size() == 2);
            assertThat(census.count(State.HOLD)).isZero();
            assertThat(census.count(State.DEFERRED)).isEqualTo(2);
            runner.close();
        }
    }

    /** Counts what it hears, as the metrics do: an honest in-memory {@link Telemetry}. */
    private static final class Tally implements Telemetry {
        final java.util.Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void delivery(Route route, Outcome outcome) {
            counts.merge(route + " " + outcome, 1, Integer::sum);
        }

        @Override
        public void dsnQueued(DsnKind kind) {
            counts.merge("dsn " + kind, 1, Integer::sum);
        }
    }

    /**
     * A recipient refused for good: counted as a remote bounce, its sender's failure DSN as queued, and the DSN's
     * local delivery as delivered; the census sees the message and its DSN come and go.
     */
    @Test
    void aBounceIsCountedWithItsDsnAndItsDelivery() throws Exception {
        Transport local = (message, recipients) -> recipients.stream()
                .<RecipientOutcome>map(i -> new RecipientOutcome.Delivered(i, "localhost", "")).toList();
        Transport remote = (message, recipients) -> recipients.stream().<RecipientOutcome>map(i ->
                new RecipientOutcome.PermanentFailure(i, EnhancedStatus.of(5, 1, 1), "mx.far.example", "550 no such user"))
                .toList();
        Tally tally = new Tally();
        try (Spool spool = Spool.open(data, new SpoolSettings(false))) {
            var notifier = new Notifier(spool, new DsnComposer(Domain.parse("localhost"), DsnSettings.defaults()),
                    Mailbox.of("postmaster", "localhost"));
            var runner = new QueueRunner(DeliverySettings.defaults(), spool, new Directory(DirectorySettings.defaults()),
                    local, remote, notifier, Clock.systemUTC(), () -> { }, tally);
            runner.start();
            byte[] content = "Subject: bounce me\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII);
            var envelope = new Envelope(ReversePath.of(Mailbox.of("me", "localhost")),
                    List.of(Recipient.of(Mailbox.of("gone", "far.example"))), MailOptions.NONE);
            try (MessageWriter writer = spool.begin()) {
                writer.write(content, 0, content.length);
                writer.commit(envelope);
            }
            await(() -> tally.counts.getOrDefault("LOCAL DELIVERED", 0) == 1 && runner.census().size() == 0);
            assertThat(tally.counts).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                    "REMOTE BOUNCED", 1, "dsn FAILURE", 1, "LOCAL DELIVERED", 1));
            assertThat(spool.pending()).isEmpty();
            runner.close();
        }
    }

    /**
     * The worst case for a scrape: 100,000 messages accepted over five days (7,200 minute buckets, the default queue
     * lifetime), in every state. Reading every figure the gauges show takes far less than the scrape's 10 ms budget,
     * because it sums counters and buckets and never visits a message.
     */
    @Test
    void readingTheFiguresOfAHundredThousandMessagesIsCheap() {
        QueueCensus census = new QueueCensus();
        Instant now = Instant.now();
        State[] states = State.values();
        for (int i = 0; i < 100_000; i++) {
            census.add(new QueueId("Q" + i), now.minus(Duration.ofMinutes(i % 7_200)), states[i % states.length]);
        }
        long[] nanos = new long[201];
        long total = 0;
        for (int round = 0; round < nanos.length; round++) {
            long started = System.nanoTime();
            total = 0;
            for (State state : states) total += census.count(state);
            long old = census.olderThan(Duration.ofMinutes(10), now) + census.olderThan(Duration.ofHours(1), now)
                    + census.olderThan(Duration.ofDays(1), now);
            Duration oldest = census.oldest(now);
            nanos[round] = System.nanoTime() - started;
            assertThat(old).isPositive();
            assertThat(oldest).isGreaterThan(Duration.ofDays(4));
        }
        assertThat(total).isEqualTo(100_000);
        // Accepted m minutes ago is in bucket now - m: older than a day to the minute when m > 1,440.
        long olderThanADay = java.util.stream.IntStream.range(0, 100_000).filter(i -> i % 7_200 > 1_440).count();
        assertThat(census.olderThan(Duration.ofDays(1), now)).isEqualTo(olderThanADay);
        java.util.Arrays.sort(nanos);
        System.out.printf("census figures of 100,000 messages in 7,200 minutes: median %.3f ms, max %.3f ms%n",
                nanos[100] / 1e6, nanos[200] / 1e6);
        assertThat(Duration.ofNanos(nanos[100])).isLessThan(Duration.ofMillis(5));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not reached in 20 s");
            Thread.sleep(10); // a poll with a deadline: deliveries run on the runner's threads
        }
    }
}
