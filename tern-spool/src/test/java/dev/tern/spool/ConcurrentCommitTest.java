package dev.tern.spool;

import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static dev.tern.spool.Fixtures.readContent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentCommitTest {
    @TempDir
    Path dir;

    @Test
    void commitsFromFiftyThreadsAreAllRecovered() throws Exception {
        // Small segments and a small memory limit, so that rolls and spill files happen under concurrency too.
        var settings = new SpoolSettings(true, 256 * 1024, 4096);
        Set<QueueId> committed = ConcurrentHashMap.newKeySet();
        Set<QueueId> completed = ConcurrentHashMap.newKeySet();
        try (Spool spool = Spool.open(dir, settings);
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 50; t++) {
                int thread = t;
                tasks.add(executor.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String seed = "t" + thread + "m" + i;
                        QueueId id = commit(spool, envelope(1), content(seed, 100 + (i * 997) % 9000));
                        committed.add(id);
                        if (i % 3 == 0) {
                            spool.complete(id, 0, Status.DELIVERED, "ok");
                            completed.add(id);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) task.get();
        }
        assertThat(committed).hasSize(2000);
        try (Spool spool = Spool.open(dir, settings)) {
            assertThat(spool.pending()).hasSize(2000 - completed.size()).doesNotContainAnyElementsOf(completed);
            for (QueueId id : spool.pending()) {
                assertThat(readContent(spool, id)).hasSize((int) spool.read(id).size());
            }
        }
    }
}
