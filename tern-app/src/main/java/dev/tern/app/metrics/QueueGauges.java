package dev.tern.app.metrics;

import dev.tern.delivery.QueueCensus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The queue's gauges (docs/metrics.md), read from the queue runner's {@link QueueCensus}, which the runner keeps
 * up to date at every transition: a scrape costs the same with an empty queue and with 100,000 messages.
 */
final class QueueGauges {
    private QueueGauges() {}

    /** The ages {@code tern_queue_messages_older_than} is given for, by its {@code age} label. */
    private static final List<Map.Entry<String, Duration>> AGES = List.of(Map.entry("10m", Duration.ofMinutes(10)),
            Map.entry("1h", Duration.ofHours(1)), Map.entry("1d", Duration.ofDays(1)));

    static void register(MeterRegistry meters, QueueCensus census, Clock clock) {
        for (QueueCensus.State state : QueueCensus.State.values()) {
            Gauge.builder("tern_queue_messages", () -> census.count(state))
                    .description("Messages in the queue, by state").tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(meters);
        }
        for (Map.Entry<String, Duration> age : AGES) {
            Duration duration = age.getValue();
            Gauge.builder("tern_queue_messages_older_than", () -> census.olderThan(duration, clock.instant()))
                    .description("Messages accepted longer ago than the age label (to the minute)")
                    .tag("age", age.getKey()).register(meters);
        }
        Gauge.builder("tern_queue_oldest_message_age_seconds", () -> census.oldest(clock.instant()).toMillis() / 1000.0)
                .description("Age of the oldest queued message (to the minute; 0 when the queue is empty)")
                .register(meters);
    }
}
