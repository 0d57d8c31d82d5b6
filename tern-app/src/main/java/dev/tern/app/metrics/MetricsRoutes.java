package dev.tern.app.metrics;

import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Prometheus scrape endpoint and the health probes (docs/metrics.md): {@code GET /metrics} in the text
 * exposition format, {@code GET /healthz} (the process serves) and {@code GET /readyz} (the spool can take mail).
 * Unauthenticated, like the probes of most servers: the web listener is on 127.0.0.1 unless configured otherwise.
 */
public final class MetricsRoutes {
    private MetricsRoutes() {}

    public static void register(Router router, WebContext context) {
        var meters = context.meters();
        Path spool = context.config().dataDirectory().resolve("spool");
        Counter scrapes = Counter.builder("tern_scrapes").description("Scrapes of /metrics served")
                .register(meters);
        Counter spooled = Counter.builder("tern_messages_spooled")
                .description("Messages committed durably to the spool, from any entry point").register(meters);
        context.spool().addListener(id -> spooled.increment());
        FreeBytes free = new FreeBytes(spool);
        Gauge.builder("tern_spool_usable_bytes", free::usable)
                .description("Free bytes on the spool's file system").register(meters);
        QueueGauges.register(meters, context.runner().census(), context.clock());
        // The server's own share of a scrape (rendering the exposition; not the HTTP exchange), for bench/metrics-scrape.sh.
        Timer rendering = Timer.builder("tern_scrape_render").description("Time to render the exposition of a scrape")
                .serviceLevelObjectives(java.time.Duration.ofMillis(1), java.time.Duration.ofNanos(2_500_000),
                        java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(25),
                        java.time.Duration.ofMillis(100))
                .register(meters);
        router.get("/metrics", exchange -> {
            scrapes.increment();
            long started = System.nanoTime();
            byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
            rendering.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            exchange.send(200, "text/plain; version=0.0.4; charset=utf-8", body);
        });
        router.get("/healthz", exchange -> exchange.text(200, "ok"));
        long reserve = context.config().spool().minFreeBytes();
        router.get("/readyz", exchange -> {
            if (context.stopping().getAsBoolean()) { // Tern.close began: a balancer sends new clients elsewhere
                exchange.json(503, Map.of("ready", false, "reason", "shutting down"));
            } else if (!Files.isDirectory(spool) || !Files.isWritable(spool)) {
                exchange.json(503, Map.of("ready", false, "reason", "spool directory not writable"));
            } else if (free.usable() <= reserve) { // the spool refuses new mail below its reserve (spool.min_free)
                exchange.json(503, Map.of("ready", false, "reason", "spool disk full"));
            } else {
                exchange.json(200, Map.of("ready", true));
            }
        });
    }

    /**
     * The spool file system's free bytes. Its {@link FileStore} is looked up once (on Linux that reads the mount
     * table, ~70 µs, where asking the store is a statvfs of ~2 µs) and again only after a failure.
     */
    private static final class FreeBytes {
        private final Path spool;
        private volatile FileStore store;

        FreeBytes(Path spool) {
            this.spool = spool;
        }

        double usable() {
            try {
                FileStore known = store;
                if (known == null) store = known = Files.getFileStore(spool);
                return known.getUsableSpace();
            } catch (java.io.IOException e) {
                store = null; // unmounted or gone: looked up again at the next scrape, reported as full meanwhile
                return 0;
            }
        }
    }
}
