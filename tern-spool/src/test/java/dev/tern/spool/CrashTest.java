package dev.tern.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.QueueId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of committing: every id the child printed after commit returned must be in the spool
 * with intact content, and no completed message may come back.
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedMessagesSurviveKillNine() throws Exception {
        Set<QueueId> committed = new HashSet<>();
        Set<QueueId> completing = new HashSet<>(); // killed around complete(): either outcome is right
        Set<QueueId> completed = new HashSet<>();
        for (int round = 0; round < 3; round++) { // later rounds also recover what earlier kills left
            runAndKill(300 + 70 * round, committed, completing, completed); // kill at a different point each round
            try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
                Set<QueueId> pending = new HashSet<>(spool.pending());
                for (QueueId id : committed) {
                    if (completed.contains(id)) {
                        assertThat(pending).as("completed %s came back", id).doesNotContain(id);
                    } else if (!completing.contains(id) || pending.contains(id)) {
                        assertThat(pending).as("acknowledged %s was lost", id).contains(id);
                        assertThat(Fixtures.readContent(spool, id)).isEqualTo(CrashChild.contentFor(id));
                        assertThat(spool.read(id).recovered()).isTrue();
                    }
                }
            }
        }
        assertThat(committed.size()).isGreaterThanOrEqualTo(300);
    }

    private void runAndKill(int commits, Set<QueueId> committed, Set<QueueId> completing, Set<QueueId> completed)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dir.toString(), "8")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int seenThisRound = 0;
        List<String> lines = new ArrayList<>();
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (seenThisRound < commits && System.nanoTime() < deadline
                    && (line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("committed ")) seenThisRound++;
            }
            // SIGKILL: no shutdown hooks, no close, no flush. Through the handle, because Process.destroyForcibly
            // also closes our end of the pipe, and the lines still in it matter: a "completed" line unread would
            // make a rightly completed message look lost.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            while ((line = out.readLine()) != null) lines.add(line);
        }
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts.length != 3 || !parts[2].equals(".")) continue; // cut by the kill
            var id = new QueueId(parts[1]);
            switch (parts[0]) {
                case "committed" -> committed.add(id);
                case "completing" -> completing.add(id);
                case "completed" -> completed.add(id);
                default -> throw new AssertionError("unexpected line from the child: " + line);
            }
        }
        assertThat(seenThisRound).as("child committed nothing in time").isGreaterThan(0);
    }
}
