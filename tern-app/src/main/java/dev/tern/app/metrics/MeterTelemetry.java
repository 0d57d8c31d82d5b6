package dev.tern.app.metrics;

import dev.tern.mail.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The stages' {@link Telemetry} as Micrometer meters (docs/metrics.md). Every counter is made once, here or the
 * first time a listener kind or TLS version is seen (a handful), so an event costs a map lookup at most and an
 * increment: no tags built, no allocation, no lock.
 */
public final class MeterTelemetry implements Telemetry {
    /** The listener kinds Tern has; others (none today) are registered when first seen. */
    private static final String[] LISTENERS = {"smtp", "submission", "smtps", "imap", "imaps", "pop3", "pop3s"};
    /** The spool's fsync buckets: from a fast NVMe flush to a disk in trouble. */
    private static final Duration[] FSYNC_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofNanos(2_500_000_000L)};

    private final MeterRegistry meters;
    private final Map<String, ListenerMeters> listeners = new ConcurrentHashMap<>();
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final Counter handshakeFailures;
    private final EnumMap<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final Counter[][] deliveries = new Counter[Route.values().length][Outcome.values().length];
    private final EnumMap<DsnKind, Counter> dsns = new EnumMap<>(DsnKind.class);
    private final Timer fsync;

    private record ListenerMeters(Counter opened, LongAdder open, Counter refused) {}

    public MeterTelemetry(MeterRegistry meters) {
        this.meters = meters;
        for (String kind : LISTENERS) listener(kind);
        for (String kind : new String[] {"smtp", "submission", "smtps"}) accepted(kind);
        handshakeFailures = Counter.builder("tern_tls_handshakes").description("Server-side TLS handshakes")
                .tag("protocol", "none").tag("outcome", "failed").register(meters);
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) handshake(protocol);
        for (Refusal reason : Refusal.values()) {
            refusals.put(reason, Counter.builder("tern_smtp_refusals")
                    .description("SMTP replies that refused a connection, command or message, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(meters));
        }
        for (Route route : Route.values()) {
            for (Outcome outcome : Outcome.values()) {
                deliveries[route.ordinal()][outcome.ordinal()] = Counter.builder("tern_deliveries")
                        .description("Delivery attempts of one recipient, by route and outcome")
                        .tag("route", route.name().toLowerCase(Locale.ROOT))
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(meters);
            }
        }
        for (DsnKind kind : DsnKind.values()) {
            dsns.put(kind, Counter.builder("tern_dsns_queued").description("Delivery status notifications queued")
                    .tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(meters));
        }
        fsync = Timer.builder("tern_spool_fsync").description("Flushes of the spool's log to disk (fdatasync)")
                .serviceLevelObjectives(FSYNC_BUCKETS).register(meters);
    }

    private ListenerMeters listener(String kind) {
        ListenerMeters known = listeners.get(kind);
        if (known != null) return known;
        return listeners.computeIfAbsent(kind, k -> {
            LongAdder open = new LongAdder();
            Gauge.builder("tern_connections_open", open::sum).description("Connections open now, by listener")
                    .tag("listener", k).register(meters);
            return new ListenerMeters(
                    Counter.builder("tern_connections_opened").description("Connections admitted, by listener")
                            .tag("listener", k).register(meters),
                    open,
                    Counter.builder("tern_connections_refused")
                            .description("Connections refused at once over a connection limit, by listener")
                            .tag("listener", k).register(meters));
        });
    }

    /** Made for the SMTP listeners at start, and for no other (IMAP and POP3 take no messages). */
    private Counter accepted(String kind) {
        Counter known = accepted.get(kind);
        if (known != null) return known;
        return accepted.computeIfAbsent(kind, k -> Counter.builder("tern_messages_accepted")
                .description("Messages committed to the spool from an SMTP listener, by listener")
                .tag("listener", k).register(meters));
    }

    private Counter handshake(String protocol) {
        Counter known = handshakes.get(protocol);
        if (known != null) return known;
        return handshakes.computeIfAbsent(protocol, p -> Counter.builder("tern_tls_handshakes")
                .description("Server-side TLS handshakes").tag("protocol", p).tag("outcome", "ok").register(meters));
    }

    @Override
    public void connectionOpened(String kind) {
        ListenerMeters listener = listener(kind);
        listener.opened().increment();
        listener.open().increment();
    }

    @Override
    public void connectionRefused(String kind) {
        listener(kind).refused().increment();
    }

    @Override
    public void connectionClosed(String kind) {
        listener(kind).open().decrement();
    }

    @Override
    public void tlsHandshake(String kind, String protocol, boolean succeeded) {
        (succeeded ? handshake(protocol) : handshakeFailures).increment();
    }

    @Override
    public void messageAccepted(String kind) {
        accepted(kind).increment();
    }

    @Override
    public void refused(Refusal reason) {
        refusals.get(reason).increment();
    }

    @Override
    public void delivery(Route route, Outcome outcome) {
        deliveries[route.ordinal()][outcome.ordinal()].increment();
    }

    @Override
    public void dsnQueued(DsnKind kind) {
        dsns.get(kind).increment();
    }

    @Override
    public void fsync(long nanos) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
    }
}
