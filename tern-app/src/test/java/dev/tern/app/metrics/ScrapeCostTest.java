package dev.tern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.QueueFill;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.QueueCensus;
import dev.tern.delivery.QueueRunner;
import dev.tern.delivery.RemoteSettings;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectorySettings;
import dev.tern.dns.DnsSettings;
import dev.tern.mail.Domain;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import dev.tern.spool.SpooledMessage;
import dev.tern.store.MaildirSettings;
import dev.tern.store.MaildirStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: a scrape costs under 10 ms with 100,000 messages queued. The server's side of it, in process: the
 * registry Tern makes, with every meter of {@link MeterTelemetry} and the queue gauges over a runner whose census
 * was rebuilt from a spool of 100,000 held messages (held, so that nothing is delivered or looked up), rendered as
 * {@code /metrics} renders it. bench/metrics-scrape.sh measures the same over HTTP with a real queue.
 */
class ScrapeCostTest {
    /** {@code -Dtern.metrics.messages=N} for another queue length. */
    private static final int MESSAGES = Integer.getInteger("tern.metrics.messages", 100_000);

    @TempDir
    Path data;

    @Test
    void aScrapeOfAHundredThousandQueuedMessagesTakesUnderTenMilliseconds() throws Exception {
        try (Spool spool = Spool.open(data.resolve("spool"), new SpoolSettings(false))) {
            QueueFill.fill(spool, MESSAGES, SpooledMessage.HELD);
            // Lookups, were there any, would go to a closed port on loopback.
            var dns = new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", 9)), Duration.ofSeconds(1), 0);
            var runner = QueueRunner.open(DeliverySettings.defaults(), RemoteSettings.defaults().withDns(dns), spool,
                    new Directory(DirectorySettings.defaults()), new MaildirStore(MaildirSettings.of(data.resolve("mail"))),
                    Domain.parse("localhost"), Set.of(), Clock.systemUTC());
            runner.start();
            try {
                assertThat(runner.census().count(QueueCensus.State.HOLD)).isEqualTo(MESSAGES);
                var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                new MeterTelemetry(meters);
                QueueGauges.register(meters, runner.census(), Clock.systemUTC());
                for (int i = 0; i < 2_000; i++) meters.scrape(); // compiled by the JIT, as a running server's is
                long[] nanos = new long[101];
                String body = "";
                for (int i = 0; i < nanos.length; i++) {
                    long started = System.nanoTime();
                    body = meters.scrape();
                    nanos[i] = System.nanoTime() - started;
                }
                assertThat(body).contains("tern_queue_messages{state=\"hold\"} " + MESSAGES + ".0");
                Arrays.sort(nanos);
                System.out.printf("scrape with %,d queued: median %.3f ms, p99 %.3f ms, max %.3f ms, %d octets%n",
                        MESSAGES, nanos[50] / 1e6, nanos[99] / 1e6, nanos[100] / 1e6, body.length());
                assertThat(Duration.ofNanos(nanos[50])).isLessThan(Duration.ofMillis(10));
            } finally {
                runner.close();
            }
        }
    }
}
