package dev.tern.app.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IdempotencyLog}'s states as a restart reads them back, and its shared fsyncs when many requests append at
 * once, across the rewrites of the file they cause.
 */
class IdempotencyLogTest {
    @TempDir
    Path data;

    @Test
    void eachStateIsReadBackAfterARestartAndATornLineIsNot() throws Exception {
        IdempotencyLog log = new IdempotencyLog(data, Clock.systemUTC());
        IdempotencyLog.Entry pending = log.pending("app", "k1", "b1", "0MX1", "{\"id\":\"0MX1\"}");
        log.committed(log.pending("app", "k2", "b2", "0MX2", "{\"id\":\"0MX2\"}"));
        log.finished(log.committed(log.pending("app", "k3", "b3", "0MX3", "{\"id\":\"0MX3\"}")));
        log.add("app", "k4", "b4", "{\"id\":\"0MX4\"}");
        Files.writeString(data.resolve("web/idempotency"), "P\t1\tapp\tk5\tb5", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND); // the last line a crash cut short

        IdempotencyLog again = new IdempotencyLog(data, Clock.systemUTC());
        assertThat(again.find("app", "k1")).hasValue(pending);
        assertThat(again.find("app", "k2").orElseThrow().state()).isEqualTo(IdempotencyLog.State.COMMITTED);
        IdempotencyLog.Entry finished = again.find("app", "k3").orElseThrow();
        assertThat(finished.state()).isEqualTo(IdempotencyLog.State.FINISHED);
        assertThat(finished.bodyHash()).isEqualTo("b3");
        assertThat(finished.answer()).isEqualTo("{\"id\":\"0MX3\"}");
        assertThat(again.find("app", "k4").orElseThrow().state()).isEqualTo(IdempotencyLog.State.FINISHED);
        assertThat(again.find("app", "k5")).isEmpty();
        assertThat(again.unfinished()).extracting(IdempotencyLog.Entry::key).containsExactly("k1", "k2");
        again.forget(again.find("app", "k1").orElseThrow());
        assertThat(again.find("app", "k1")).isEmpty();
    }

    @Test
    void concurrentRequestsAcrossRewritesAreAllKept() throws Exception {
        IdempotencyLog log = new IdempotencyLog(data, Clock.systemUTC());
        int threads = 8;
        int each = 400; // 3 lines per request: 9,600 lines, several rewrites (one past 2,048 lines)
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String id = "T" + thread + "N" + i;
                        log.finished(log.committed(log.pending("app", id, "b", id, "{\"id\":\"" + id + "\"}")));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        IdempotencyLog again = new IdempotencyLog(data, Clock.systemUTC());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < each; i++) {
                assertThat(again.find("app", "T" + t + "N" + i)).as("T" + t + "N" + i)
                        .map(IdempotencyLog.Entry::state).hasValue(IdempotencyLog.State.FINISHED);
            }
        }
        assertThat(again.unfinished()).isEmpty();
        // Rewritten: far fewer lines than were appended.
        assertThat(Files.readAllLines(data.resolve("web/idempotency"))).hasSizeLessThan(threads * each * 3);
    }
}
