package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.spool.RecipientState;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never lose mail: a server in a JVM of its own is killed with SIGKILL at random moments while {@value #CLIENTS}
 * clients send to it, and restarted on the same data directory each time. Once the queue has drained, every
 * message whose 250 after DATA a client read is in each of its recipients' Maildirs exactly once, complete, and
 * nothing half-written is visible. The client sees the 250 only after the spool's fsync (RFC 5321 §6.1: the
 * server has accepted responsibility), so this is the whole promise, from socket to mailbox.
 *
 * <p>On failure the work directory is kept: {@code data/} and one {@code server-<n>.log} per start.
 */
class CrashRecoveryTest {
    private static final int CLIENTS = 8;
    private static final int KILLS = 4;
    /** Bounds the test's size even on a fast machine; far more than the load phases take. */
    private static final int MAX_MESSAGES_PER_CLIENT = 400;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_DRAIN_RESTARTS = 3;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();
    private final ServerSlot slot = new ServerSlot();
    private ServerProcess server;
    private int starts;

    @AfterEach
    void stopEverything() {
        stop.set(true);
        clients.forEach(Thread::interrupt);
        if (server != null) server.close();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a guard against a hang only; a normal run takes seconds
    void acknowledgedMailSurvivesRepeatedKills() throws Exception {
        long began = System.nanoTime();
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Path data = work.resolve("data");
        Ledger ledger = new Ledger();

        int generation = startServer(data);
        for (int c = 0; c < CLIENTS; c++) {
            var client = new LoadClient(c, slot, ledger, stop, MAX_MESSAGES_PER_CLIENT, seed + c);
            clients.add(Thread.ofPlatform().name("crash-client-" + c).start(client));
        }
        for (int kill = 1; kill <= KILLS; kill++) {
            assertThat(ledger.awaitAcks(generation, 1, STEP_TIMEOUT))
                    .as("server %d acknowledges mail (see %s)", generation, work).isTrue();
            // Deliberate delay, not synchronisation: the kill lands at a random moment of the load.
            Thread.sleep(100 + random.nextInt(301));
            slot.down();
            server.kill();
            generation = startServer(data);
        }
        assertThat(ledger.awaitAcks(generation, 2 * CLIENTS, STEP_TIMEOUT))
                .as("the last server acknowledges mail (see %s)", work).isTrue();
        stop.set(true);
        joinClients();

        awaitMailboxes(data, ledger.acknowledgedPerMailbox());
        Drain drain = drain(data);
        MaildirAudit.Result audit = MaildirAudit.run(data.resolve("mail").resolve(CrashMail.DOMAIN), ledger);

        System.out.printf("CrashRecoveryTest: seed=%d kills=%d starts=%d sent=%d acknowledged=%d per-server=%s "
                        + "delivered-without-ack=%d mailbox-files=%d maildir-tmp-leftovers=%d client-failures=%d "
                        + "pending-at-clean-stop=%d drain-restarts=%d spool-tmp-at-clean-stop=%d ms=%d%n",
                seed, KILLS, starts, ledger.sentCount(), ledger.acknowledged().size(), ledger.acksPerGeneration(),
                audit.unacknowledgedDelivered().size(), audit.files(), audit.tmpLeftovers(), ledger.failures(),
                drain.pendingAtFirstStop(), drain.restarts(), drain.spoolTmpFiles(),
                (System.nanoTime() - began) / 1_000_000);
        ledger.unexpectedFailures().forEach(f -> System.out.println("CrashRecoveryTest: failure with server up: " + f));
        serverWarnings().forEach(w -> System.out.println("CrashRecoveryTest: server said: " + w));
        assertThat(audit.problems()).as("Maildirs against acknowledgements (seed %d, evidence in %s)", seed, work).isEmpty();
    }

    private int startServer(Path data) throws IOException, InterruptedException {
        starts++;
        server = ServerProcess.start(data, work.resolve("server-" + starts + ".log"), START_TIMEOUT);
        return slot.up(server.port());
    }

    /**
     * Warnings, errors and deferrals from the server logs: none is a failure of this test (a deferred delivery
     * is retried), but each is worth a look, so the first few of each log are printed with the summary.
     */
    private List<String> serverWarnings() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= starts; n++) {
            Path log = work.resolve("server-" + n + ".log");
            List<String> found;
            try (var all = Files.lines(log, StandardCharsets.UTF_8)) {
                found = all.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains(" deferred ")).toList();
            }
            if (found.isEmpty()) continue;
            lines.add(log.getFileName() + ": " + found.size() + " lines, the first:");
            found.stream().limit(4).forEach(l -> lines.add("  " + l));
        }
        return lines;
    }

    private void joinClients() throws InterruptedException {
        long until = System.nanoTime() + STEP_TIMEOUT.toNanos();
        for (Thread client : clients) {
            client.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            assertThat(client.isAlive()).as("%s ended", client.getName()).isFalse();
        }
    }

    /**
     * Polls until each mailbox holds at least as many files as acknowledged messages were sent to it. Only a
     * shortcut to a quiet queue: on timeout it returns, and the drain and the audit say what is missing.
     */
    private static void awaitMailboxes(Path data, Map<String, Integer> expected) throws IOException, InterruptedException {
        long until = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            boolean all = true;
            for (var mailbox : expected.entrySet()) {
                all &= visible(data, mailbox.getKey()).size() >= mailbox.getValue();
            }
            if (all) return;
            Thread.sleep(20); // polling directories with a deadline; there is no event to await
        }
    }

    private record Drain(int pendingAtFirstStop, int restarts, int spoolTmpFiles) {}

    /**
     * Stops the server cleanly and looks into its spool: while a message is still pending, starts the server
     * again and waits until the pending deliveries are in the mailboxes. Ends with the server stopped and an
     * empty queue, so the audit sees the final state, with no delivery (or duplicate) still to come.
     */
    private Drain drain(Path data) throws IOException, InterruptedException {
        int pendingAtFirstStop = -1;
        int spoolTmpFiles = 0;
        for (int restarts = 0; ; restarts++) {
            slot.down();
            server.stop();
            server = null;
            spoolTmpFiles += MaildirAudit.list(data.resolve("spool").resolve("tmp")).size();
            List<PendingDelivery> pending = pending(data);
            if (pendingAtFirstStop < 0) pendingAtFirstStop = pending.size();
            if (pending.isEmpty()) return new Drain(pendingAtFirstStop, restarts, spoolTmpFiles);
            assertThat(restarts).as("queue still holds %s after %d restarts (see %s)", pending, restarts, work)
                    .isLessThan(MAX_DRAIN_RESTARTS);
            startServer(data);
            awaitDelivered(data, pending);
        }
    }

    /** A recipient of a spooled message still to be delivered, and the delivery id its copy will carry. */
    private record PendingDelivery(String mailbox, String deliveryIdPrefix) {}

    private static List<PendingDelivery> pending(Path data) throws IOException {
        List<PendingDelivery> pending = new ArrayList<>();
        try (Spool spool = Spool.open(data.resolve("spool"), SpoolSettings.defaults())) {
            for (var id : spool.pending()) {
                SpooledMessage message = spool.read(id);
                for (int i = 0; i < message.recipients().size(); i++) {
                    RecipientState state = message.recipients().get(i);
                    if (state.status() != RecipientState.Status.PENDING) continue;
                    // LocalTransport's delivery id: queue id, "R", recipient index, "M", mailbox index.
                    pending.add(new PendingDelivery(state.recipient().mailbox().localPart(), id.value() + "R" + i + "M"));
                }
            }
        }
        return pending;
    }

    private static void awaitDelivered(Path data, List<PendingDelivery> pending) throws IOException, InterruptedException {
        long until = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            boolean all = true;
            for (PendingDelivery delivery : pending) {
                all &= visible(data, delivery.mailbox()).stream().map(MaildirAudit::deliveryId)
                        .anyMatch(id -> id.filter(d -> d.startsWith(delivery.deliveryIdPrefix())).isPresent());
            }
            if (all) return;
            Thread.sleep(20); // polling directories with a deadline; there is no event to await
        }
    }

    private static List<Path> visible(Path data, String mailbox) throws IOException {
        return MaildirAudit.list(data.resolve("mail").resolve(CrashMail.DOMAIN).resolve(mailbox).resolve("new"));
    }
}
