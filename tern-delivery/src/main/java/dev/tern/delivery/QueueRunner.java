package dev.tern.delivery;

import dev.tern.dns.CachingResolver;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mailauth.srs.Srs;
import dev.tern.delivery.dsn.Action;
import dev.tern.delivery.dsn.DsnComposer;
import dev.tern.delivery.dsn.DsnSettings;
import dev.tern.delivery.sts.MtaSts;
import dev.tern.delivery.route.MxRouter;
import dev.tern.delivery.route.RoutingSettings;
import dev.tern.store.MailStore;
import dev.tern.mail.Mailbox;
import java.net.InetAddress;
import dev.tern.directory.Directory;
import dev.tern.directory.Resolution;
import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.QueueId;
import dev.tern.mail.Telemetry;
import dev.tern.delivery.QueueCensus.State;
import dev.tern.spool.RecipientState;
import dev.tern.spool.Spool;
import dev.tern.spool.Spool.Change;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what the spool holds. Owns one virtual dispatcher thread, which takes messages as they fall due
 * and runs each delivery on a virtual thread of its own, at most {@code concurrency} at once.
 *
 * <p>A delivery groups the message's pending recipients by next hop: local domains go to the local transport,
 * every other domain to the remote one, one call (and so one SMTP transaction) per domain. The outcomes are
 * recorded in one spool update: each recipient's attempt, the final ones completed, a deferral with back-off
 * when any is left. Before recipients are recorded as failed, or once a message has waited
 * {@code delayWarning}, the sender's DSN is queued (RFC 3461/3464); NOTIFY=SUCCESS gets its report too.
 *
 * <p>New messages arrive through the spool's listener and are delivered at once; deferred ones come back when
 * their next attempt is due; on {@link #start()} everything the spool still holds is picked up again, which is
 * how a restart resumes delivery. A held message is skipped until released.
 */
public final class QueueRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);
    private static final EnhancedStatus INTERNAL = EnhancedStatus.of(4, 3, 0);

    private final DeliverySettings settings;
    private final Spool spool;
    private final Directory directory;
    private final Transport local;
    private final Transport remote;
    private final Notifier notifier;
    private final Clock clock;
    private final DelayQueue<Due> due = new DelayQueue<>();
    /**
     * Each message's one valid scheduled attempt: the generation of its newest {@link Due}. Rescheduling makes a
     * new generation, so older entries are skipped when they come up (no O(n) removal from the queue).
     */
    private final Map<QueueId, Long> scheduled = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generations = new java.util.concurrent.atomic.AtomicLong();
    private final Set<QueueId> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore slots;
    private final AutoCloseable connections;
    private final Telemetry telemetry;
    private final QueueCensus census = new QueueCensus();
    private Thread dispatcher;

    QueueRunner(DeliverySettings settings, Spool spool, Directory directory, Transport local, Transport remote,
                Notifier notifier, Clock clock, AutoCloseable connections) {
        this(settings, spool, directory, local, remote, notifier, clock, connections, Telemetry.NONE);
    }

    QueueRunner(DeliverySettings settings, Spool spool, Directory directory, Transport local, Transport remote,
                Notifier notifier, Clock clock, AutoCloseable connections, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.settings = settings;
        this.spool = spool;
        this.directory = directory;
        this.local = local;
        this.remote = remote;
        this.notifier = notifier;
        this.clock = clock;
        this.slots = new Semaphore(settings.concurrency());
        this.connections = connections;
    }

    /**
     * The delivery stage: local mailboxes for {@code directory}'s domains, SMTP over DNS for the rest, DSNs from
     * {@code hostname}. {@code ownAddresses} are this server's listening addresses, so an MX that points back at
     * them is a loop (RFC 5321 §5.1).
     */
    public static QueueRunner open(DeliverySettings settings, RemoteSettings remote, Spool spool, Directory directory,
                                   MailStore store, Domain hostname, Set<InetAddress> ownAddresses, Clock clock) {
        return open(settings, remote, ConnectionReuse.defaults(), spool, directory, store, hostname, ownAddresses, clock);
    }

    /** As above, with the bounds of outbound connection reuse ({@link ConnectionReuse#off()}: none). */
    public static QueueRunner open(DeliverySettings settings, RemoteSettings remote, ConnectionReuse reuse, Spool spool,
                                   Directory directory, MailStore store, Domain hostname, Set<InetAddress> ownAddresses,
                                   Clock clock) {
        return open(settings, remote, reuse, spool, directory, store, hostname, ownAddresses, clock, Optional.empty());
    }

    /** As above; with {@code srs}, mail that aliases and lists forward off-site carries an SRS reverse path. */
    public static QueueRunner open(DeliverySettings settings, RemoteSettings remote, ConnectionReuse reuse, Spool spool,
                                   Directory directory, MailStore store, Domain hostname, Set<InetAddress> ownAddresses,
                                   Clock clock, Optional<Srs> srs) {
        return open(settings, remote, reuse, spool, directory, store, hostname, ownAddresses, clock, srs,
                Resealer.NONE);
    }

    /** As above; {@code resealer} DKIM-signs DSNs and signs and ARC-seals forwarded mail (issue 9). */
    public static QueueRunner open(DeliverySettings settings, RemoteSettings remote, ConnectionReuse reuse, Spool spool,
                                   Directory directory, MailStore store, Domain hostname, Set<InetAddress> ownAddresses,
                                   Clock clock, Optional<Srs> srs, Resealer resealer) {
        return open(settings, remote, reuse, spool, directory, store, hostname, ownAddresses, clock, srs, resealer,
                Telemetry.NONE);
    }

    /** As above; {@code telemetry} hears of each recipient's delivery outcome and of each DSN queued. */
    public static QueueRunner open(DeliverySettings settings, RemoteSettings remote, ConnectionReuse reuse, Spool spool,
                                   Directory directory, MailStore store, Domain hostname, Set<InetAddress> ownAddresses,
                                   Clock clock, Optional<Srs> srs, Resealer resealer, Telemetry telemetry) {
        var resolver = new CachingResolver(new DnsjavaResolver(remote.dns()));
        var routing = RoutingSettings.defaults().withSelf(hostname, ownAddresses).withIpPreference(remote.ipPreference());
        var router = new MxRouter(resolver, routing);
        var destinations = new Destinations(remote.maxConnections(), remote.maxPerDestination(), remote.downFor(), clock);
        var connections = new ConnectionCache(reuse);
        var mtaSts = remote.outboundTls().sts().enabled() ? new MtaSts(resolver, remote.outboundTls().sts(), clock) : MtaSts.off();
        var smtp = new RemoteTransport(remote, spool, router, OpportunisticTls.context(), OpportunisticTls.verified(),
                destinations, connections, mtaSts, clock);
        var notifier = new Notifier(spool, new DsnComposer(hostname, DsnSettings.defaults()), Mailbox.of("postmaster",
                hostname.name()), resealer);
        return new QueueRunner(settings, spool, directory, new LocalTransport(spool, directory, store, srs, resealer),
                smtp, notifier, clock, connections, telemetry);
    }

    /**
     * Capture mode ({@code tern run --capture}, docs/capture.md): every recipient is handed to {@code capture};
     * local recipients go to their mailboxes first, remote ones no further (nothing leaves the host).
     */
    public static QueueRunner capturing(DeliverySettings settings, Spool spool, Directory directory, MailStore store,
                                        Domain hostname, Clock clock, Optional<Srs> srs, Resealer resealer,
                                        Transport capture) {
        return capturing(settings, spool, directory, store, hostname, clock, srs, resealer, capture, Telemetry.NONE);
    }

    /** As above, with {@code telemetry} (see {@link #open}). */
    public static QueueRunner capturing(DeliverySettings settings, Spool spool, Directory directory, MailStore store,
                                        Domain hostname, Clock clock, Optional<Srs> srs, Resealer resealer,
                                        Transport capture, Telemetry telemetry) {
        Transport mailboxes = new LocalTransport(spool, directory, store, srs, resealer);
        // The mailbox copy first, then the capture: once a message shows in the capture it is in its local
        // mailboxes too, so a test that awaited the capture reads it over IMAP at once (tern-junit). Every message
        // is captured whatever the mailboxes said; a capture that fails is retried (with the mailbox copy again).
        Transport local = (message, recipients) -> {
            List<RecipientOutcome> delivered = mailboxes.deliver(message, recipients);
            List<RecipientOutcome> kept = capture.deliver(message, recipients);
            boolean all = kept.stream().allMatch(o -> o instanceof RecipientOutcome.Delivered);
            return all ? delivered : kept;
        };
        var notifier = new Notifier(spool, new DsnComposer(hostname, DsnSettings.defaults()), Mailbox.of("postmaster",
                hostname.name()), resealer);
        return new QueueRunner(settings, spool, directory, local, capture, notifier, clock, () -> { }, telemetry);
    }

    /** Picks up every pending message and starts delivering. */
    public void start() throws IOException {
        spool.addListener(id -> {
            census.add(id, clock.instant(), State.QUEUED);
            schedule(id, Duration.ZERO);
        });
        int recovered = 0;
        for (QueueId id : spool.pending()) {
            SpooledMessage message = spool.read(id);
            // The census is rebuilt from the spool's state: a message committed meanwhile is counted already.
            census.add(id, message.accepted(), message.held() ? State.HOLD
                    : message.attempts() > 0 ? State.DEFERRED : State.QUEUED);
            if (message.held()) continue;
            Duration wait = Duration.between(clock.instant(), message.nextAttempt());
            schedule(id, wait.isNegative() ? Duration.ZERO : wait);
            recovered++;
        }
        if (recovered > 0) log.info("queue resumed messages={}", recovered);
        dispatcher = Thread.ofVirtual().name("queue-runner").start(this::dispatch);
    }

    /**
     * Makes the next attempt of each of {@code ids} due now ({@code tern queue flush}, a release). A message being
     * delivered is left alone (that attempt is under way); an id not queued is ignored. Thread-safe.
     */
    public void flush(Collection<QueueId> ids) {
        for (QueueId id : ids) {
            if (inFlight.contains(id)) continue;
            census.move(id, State.DEFERRED, State.QUEUED);
            schedule(id, Duration.ZERO);
        }
    }

    /** The queue by state and age, for the metrics (docs/metrics.md); kept up to date, cheap to read. */
    public QueueCensus census() {
        return census;
    }

    /** {@code id} was held ({@code tern queue hold}): counted as held until released. Thread-safe. */
    public void held(QueueId id) {
        census.move(id, State.HOLD);
    }

    /** {@code id} was released from hold: due now, as {@link #flush}. Thread-safe. */
    public void released(QueueId id) {
        census.move(id, State.HOLD, State.QUEUED);
        flush(List.of(id));
    }

    /** {@code id} was deleted from the spool ({@code tern queue delete}): no longer counted. Thread-safe. */
    public void deleted(QueueId id) {
        census.remove(id);
    }

    /** The next attempt of {@code id} in {@code wait}; replaces any attempt scheduled before. */
    private void schedule(QueueId id, Duration wait) {
        long generation = generations.incrementAndGet();
        scheduled.put(id, generation);
        due.add(new Due(id, System.nanoTime() + wait.toNanos(), generation));
    }

    /**
     * Fails every pending recipient of {@code id} now, with a DSN to the sender where NOTIFY asks for one (the
     * operator's {@code tern queue bounce}); false when no such message is queued.
     *
     * @throws IllegalStateException when the message is being delivered right now (its outcome may be a
     *                               delivery): the operator tries again
     */
    public boolean bounce(QueueId id) {
        if (!inFlight.add(id)) throw new IllegalStateException("message " + id + " is being delivered; try again");
        try {
            SpooledMessage message;
            try {
                message = spool.read(id);
            } catch (NoSuchElementException | IOException e) {
                return false;
            }
            List<RecipientOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < message.recipients().size(); i++) {
                if (message.recipients().get(i).status() != RecipientState.Status.PENDING) continue;
                outcomes.add(new RecipientOutcome.PermanentFailure(i, EnhancedStatus.of(5, 0, 0), "",
                        "bounced by the operator"));
            }
            record(message, outcomes);
            return true;
        } finally {
            inFlight.remove(id);
        }
    }

    private void dispatch() {
        try {
            while (true) {
                Due next = due.take();
                // A newer attempt replaced this one (flush, release): skip it; the newer one comes up itself.
                if (!scheduled.remove(next.id(), next.generation())) continue;
                if (!inFlight.add(next.id())) continue; // already being delivered; that attempt covers it
                census.move(next.id(), State.ACTIVE);
                slots.acquire();
                Thread.ofVirtual().name("deliver-" + next.id()).start(() -> {
                    try {
                        deliver(next.id());
                    } finally {
                        inFlight.remove(next.id());
                        slots.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() asked us to stop
        }
    }

    private void deliver(QueueId id) {
        try {
            deliverOnce(id);
        } catch (RuntimeException e) {
            // A bug outside the transports: the message must not be left without a next attempt.
            log.error("id={} delivery failed with an internal error", id, e);
            retryLater(id, 1);
        }
    }

    private void deliverOnce(QueueId id) {
        SpooledMessage message;
        try {
            message = spool.read(id);
        } catch (NoSuchElementException e) {
            census.remove(id);
            return; // already finished: a message committed while start() listed the queue was scheduled twice
        } catch (IOException e) {
            log.error("id={} cannot read from spool: {}", id, e.toString());
            retryLater(id, 1);
            return;
        }
        if (message.held()) { // released by tern queue release, which schedules it again
            census.move(id, State.HOLD);
            return;
        }
        boolean expired = Duration.between(message.accepted(), clock.instant()).compareTo(settings.maxQueueTime()) > 0;
        List<RecipientOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<Hop, List<Integer>> group : groups(message).entrySet()) {
            Transport transport = group.getKey() == Hop.LOCAL ? local : remote;
            List<RecipientOutcome> done;
            try {
                done = transport.deliver(message, group.getValue());
            } catch (RuntimeException e) {
                // A bug: recorded like a temporary failure, so the attempt counts, back-off applies and the
                // message expires in time.
                log.error("id={} delivery failed with an internal error", id, e);
                done = group.getValue().stream().<RecipientOutcome>map(i ->
                        new RecipientOutcome.TemporaryFailure(i, INTERNAL, "", "internal error")).toList();
            }
            count(group.getKey() == Hop.LOCAL ? Telemetry.Route.LOCAL : Telemetry.Route.REMOTE, done, expired);
            // Delivered with no report due: recorded at once, so that a crash while the next domain is being
            // tried does not send this one again.
            outcomes.addAll(recordQuietSuccesses(message, done));
        }
        record(message, outcomes);
    }

    /** Tells the telemetry of each recipient's outcome (an expired one's temporary failure bounces it). */
    private void count(Telemetry.Route route, List<RecipientOutcome> outcomes, boolean expired) {
        for (RecipientOutcome outcome : outcomes) {
            switch (outcome) {
                case RecipientOutcome.Delivered d -> telemetry.delivery(route, Telemetry.Outcome.DELIVERED);
                case RecipientOutcome.Relayed r -> telemetry.delivery(route, Telemetry.Outcome.DELIVERED);
                case RecipientOutcome.PermanentFailure p -> telemetry.delivery(route, Telemetry.Outcome.BOUNCED);
                case RecipientOutcome.TemporaryFailure t -> telemetry.delivery(route,
                        expired ? Telemetry.Outcome.BOUNCED : Telemetry.Outcome.DEFERRED);
                case RecipientOutcome.Postponed p -> { } // not an attempt
            }
        }
    }

    /** Records the deliveries of {@code outcomes} that need no DSN; returns the rest, for {@link #record}. */
    private List<RecipientOutcome> recordQuietSuccesses(SpooledMessage message, List<RecipientOutcome> outcomes) {
        Instant now = clock.instant();
        List<Change> changes = new ArrayList<>();
        List<RecipientOutcome> rest = new ArrayList<>();
        for (RecipientOutcome outcome : outcomes) {
            boolean quiet = switch (outcome) {
                case RecipientOutcome.Delivered d -> !successReport(message, d.index());
                case RecipientOutcome.Relayed r -> r.dsnPassedOn() || !successReport(message, r.index());
                default -> false;
            };
            if (!quiet) {
                rest.add(outcome);
                continue;
            }
            changes.add(new Change.Attempted(outcome.index(), new RecipientState.Attempt(now, outcome.host(),
                    outcome.diagnostic())));
            changes.add(new Change.Completed(outcome.index(), RecipientState.Status.DELIVERED, outcome.diagnostic()));
        }
        if (changes.isEmpty()) return rest;
        try {
            spool.update(message.id(), changes);
            for (RecipientOutcome outcome : outcomes) {
                if (!rest.contains(outcome)) logOutcome(message, outcome, false);
            }
            return rest;
        } catch (IOException | NoSuchElementException e) {
            // Not recorded: they go with the rest of the attempt, which records them or tries again.
            return outcomes;
        }
    }

    /** Whether a success report is due for recipient {@code index}: RFC 3461's rule, as the DSN side applies it. */
    private static boolean successReport(SpooledMessage message, int index) {
        return message.envelope().reversePath() instanceof dev.tern.mail.ReversePath.Sender
                && dev.tern.delivery.dsn.Dsn.requested(message.envelope().recipients().get(index), Action.DELIVERED);
    }

    /** The next hop of a recipient: local, or the remote domain (one SMTP transaction per domain). */
    private record Hop(Domain domain) {
        static final Hop LOCAL = new Hop(null);
    }

    private Map<Hop, List<Integer>> groups(SpooledMessage message) {
        Map<Hop, List<Integer>> groups = new LinkedHashMap<>();
        List<RecipientState> recipients = message.recipients();
        for (int i = 0; i < recipients.size(); i++) {
            if (recipients.get(i).status() != RecipientState.Status.PENDING) continue;
            var mailbox = recipients.get(i).recipient().mailbox();
            Hop hop = directory.resolve(mailbox) instanceof Resolution.Remote ? new Hop(mailbox.domain()) : Hop.LOCAL;
            groups.computeIfAbsent(hop, h -> new ArrayList<>()).add(i);
        }
        return groups;
    }

    /**
     * Records one attempt's outcomes: DSNs first (queued before the recipients they report are recorded, so a
     * crash between the two repeats a DSN rather than losing one), then one spool update.
     */
    private void record(SpooledMessage message, List<RecipientOutcome> outcomes) {
        Instant now = clock.instant();
        boolean expired = Duration.between(message.accepted(), now).compareTo(settings.maxQueueTime()) > 0;
        List<Change> changes = new ArrayList<>();
        List<Notifier.Line> failures = new ArrayList<>();
        List<Notifier.Line> successes = new ArrayList<>();
        List<Notifier.Line> delays = new ArrayList<>();
        Instant retryUntil = message.accepted().plus(settings.maxQueueTime());
        boolean deferred = false;
        boolean postponed = false;
        for (RecipientOutcome outcome : outcomes) {
            int i = outcome.index();
            if (outcome instanceof RecipientOutcome.Postponed) {
                postponed = true;
                continue; // not an attempt: no history, no count
            }
            changes.add(new Change.Attempted(i, new RecipientState.Attempt(now, outcome.host(), outcome.diagnostic())));
            switch (outcome) {
                case RecipientOutcome.Delivered d -> {
                    changes.add(new Change.Completed(i, RecipientState.Status.DELIVERED, d.diagnostic()));
                    successes.add(new Notifier.Line(i, Action.DELIVERED, EnhancedStatus.of(2, 0, 0), d.host(), "", now));
                }
                case RecipientOutcome.Relayed r -> {
                    changes.add(new Change.Completed(i, RecipientState.Status.DELIVERED, r.diagnostic()));
                    // RFC 3464 §2.3.3: "relayed" when the next hop takes no DSN request; otherwise it reports.
                    if (!r.dsnPassedOn()) {
                        successes.add(new Notifier.Line(i, Action.RELAYED, EnhancedStatus.of(2, 0, 0), r.host(),
                                r.reply(), now));
                    }
                }
                case RecipientOutcome.PermanentFailure p -> {
                    changes.add(new Change.Completed(i, RecipientState.Status.FAILED, p.diagnostic()));
                    failures.add(new Notifier.Line(i, Action.FAILED, p.status(), p.host(), p.text(), now));
                }
                case RecipientOutcome.Postponed p -> { } // skipped above
                case RecipientOutcome.TemporaryFailure t -> {
                    if (expired) {
                        // RFC 3463 X.4.7: delivery time expired; reported with the last temporary status, as Postfix.
                        changes.add(new Change.Completed(i, RecipientState.Status.FAILED,
                                "4.4.7 expired in queue, last: " + t.diagnostic()));
                        failures.add(new Notifier.Line(i, Action.FAILED, t.status(), t.host(), t.text(), now));
                    } else {
                        deferred = true;
                        delays.add(new Notifier.Line(i, Action.delayed(retryUntil), t.status(), t.host(), t.text(), now));
                    }
                }
            }
        }
        boolean warn = deferred && !message.delayWarned() && !settings.delayWarning().isZero()
                && Duration.between(message.accepted(), now).compareTo(settings.delayWarning()) >= 0;
        Duration delay = greylisted(outcomes).map(this::withinBounds).orElseGet(() -> backoff(settings, message.attempts() + 1));
        try {
            if (!failures.isEmpty() && notifier.report(message, failures, now).isPresent()) {
                telemetry.dsnQueued(Telemetry.DsnKind.FAILURE);
            }
        } catch (IOException | RuntimeException e) {
            // The failure DSN could not be queued: those recipients stay pending (their failure is not
            // recorded before the sender can be told), the rest is recorded, and the attempt counts.
            log.warn("id={} cannot queue a DSN, trying again later: {}", message.id(), e.toString());
            changes.removeIf(c -> c instanceof Change.Completed done && done.status() == RecipientState.Status.FAILED);
            deferred = true;
        }
        try {
            if (!successes.isEmpty() && notifier.report(message, successes, now).isPresent()) {
                telemetry.dsnQueued(Telemetry.DsnKind.SUCCESS);
            }
            if (warn) {
                if (notifier.report(message, delays, now).isPresent()) telemetry.dsnQueued(Telemetry.DsnKind.DELAY);
                changes.add(Change.Flagged.setting(SpooledMessage.DELAY_WARNED));
            }
        } catch (IOException | RuntimeException e) {
            // A success report or a warning lost is not mail lost: logged, and the delivery stands.
            log.warn("id={} cannot queue a report: {}", message.id(), e.toString());
        }
        if (deferred) changes.add(new Change.Deferred(now.plus(delay)));
        // Only postponed (no slot to the destination): back in 1-3 s, untouched.
        if (postponed && !deferred) {
            census.move(message.id(), message.attempts() > 0 ? State.DEFERRED : State.QUEUED);
            schedule(message.id(), Duration.ofMillis(1000 + ThreadLocalRandom.current().nextInt(2000)));
        }
        if (changes.isEmpty()) {
            if (!postponed) census.remove(message.id()); // every recipient was recorded as delivered already
            return;
        }
        try {
            spool.update(message.id(), changes);
        } catch (NoSuchElementException e) {
            census.remove(message.id());
            return; // deleted meanwhile (tern queue delete)
        } catch (IOException e) {
            log.error("id={} cannot record the attempt: {}", message.id(), e.toString());
            retryLater(message.id(), message.attempts() + 1);
            return;
        }
        for (RecipientOutcome outcome : outcomes) logOutcome(message, outcome, expired);
        if (!deferred && !postponed) census.remove(message.id()); // every recipient is final: the spool forgot it
        if (deferred) {
            log.info("id={} deferred attempts={} retry_in={}s", message.id(), message.attempts() + 1, delay.toSeconds());
            census.move(message.id(), State.DEFERRED);
            schedule(message.id(), delay);
        }
    }

    private static void logOutcome(SpooledMessage message, RecipientOutcome outcome, boolean expired) {
        var to = message.envelope().recipients().get(outcome.index()).mailbox();
        switch (outcome) {
            case RecipientOutcome.Delivered d -> { } // LocalTransport logs each delivery with its mailboxes
            case RecipientOutcome.Postponed p -> { } // not an attempt
            case RecipientOutcome.Relayed r ->
                    log.info("id={} relayed to=<{}> host={} reply=\"{}\"", message.id(), to, r.host(), r.reply());
            case RecipientOutcome.PermanentFailure p ->
                    log.info("id={} bounced to=<{}> host={} reason=\"{}\"", message.id(), to, p.host(), p.diagnostic());
            case RecipientOutcome.TemporaryFailure t -> {
                if (expired) {
                    log.info("id={} bounced to=<{}> reason=\"4.4.7 expired in queue, last: {}\"", message.id(), to,
                            t.diagnostic());
                } else {
                    log.info("id={} deferred to=<{}> host={} reason=\"{}\"", message.id(), to, t.host(), t.diagnostic());
                }
            }
        }
    }

    // "451 4.7.1 Greylisted, please try again in 300 seconds", "... retry in 5 minutes": when to come back.
    private static final java.util.regex.Pattern GREYLIST = java.util.regex.Pattern.compile(
            "(?i)(?:grey|gray)list.*?(\\d{1,6})\\s*(s|sec|secs|seconds?|m|min|mins|minutes?)\\b");

    /** The wait a greylisting server named (RFC 6647 §4), the longest among the deferred recipients. */
    static Optional<Duration> greylisted(List<RecipientOutcome> outcomes) {
        Duration longest = null;
        for (RecipientOutcome outcome : outcomes) {
            if (!(outcome instanceof RecipientOutcome.TemporaryFailure t)) continue;
            var matcher = GREYLIST.matcher(t.text());
            if (!matcher.find()) continue;
            long amount = Long.parseLong(matcher.group(1));
            Duration named = matcher.group(2).toLowerCase(java.util.Locale.ROOT).startsWith("m")
                    ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
            if (longest == null || named.compareTo(longest) > 0) longest = named;
        }
        return Optional.ofNullable(longest);
    }

    /** A named wait, kept between the first retry and the longest one, plus a little so it has passed. */
    private Duration withinBounds(Duration named) {
        Duration delay = named.plusSeconds(1);
        if (delay.compareTo(settings.firstRetry()) < 0) return settings.firstRetry();
        return delay.compareTo(settings.maxRetry()) > 0 ? settings.maxRetry() : delay;
    }

    private void retryLater(QueueId id, int attempts) {
        census.move(id, State.DEFERRED);
        schedule(id, backoff(settings, attempts));
    }

    /**
     * firstRetry, doubling per attempt, capped at maxRetry (like Postfix's minimal/maximal backoff), less up to
     * 10 % at random so that messages deferred together do not all come back in the same instant.
     */
    static Duration backoff(DeliverySettings settings, int attempts) {
        Duration delay = settings.firstRetry();
        for (int i = 1; i < attempts && delay.compareTo(settings.maxRetry()) < 0; i++) delay = delay.multipliedBy(2);
        if (delay.compareTo(settings.maxRetry()) > 0) delay = settings.maxRetry();
        long jitter = (long) (delay.toNanos() * 0.1 * ThreadLocalRandom.current().nextDouble());
        return delay.minusNanos(jitter);
    }

    /**
     * Stops dispatching and waits for deliveries under way, then closes the parked outbound connections.
     * Undelivered mail stays in the spool.
     */
    @Override
    public void close() {
        if (dispatcher != null) dispatcher.interrupt();
        try {
            if (dispatcher != null) dispatcher.join(Duration.ofSeconds(5));
            if (slots.tryAcquire(settings.concurrency(), 10, TimeUnit.SECONDS)) slots.release(settings.concurrency());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connections.close();
        } catch (Exception e) {
            log.warn("closing outbound connections failed: {}", e.toString());
        }
    }

    private record Due(QueueId id, long atNanos, long generation) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(atNanos, ((Due) other).atNanos);
        }
    }
}
