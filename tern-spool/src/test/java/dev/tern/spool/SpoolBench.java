package dev.tern.spool;

import dev.tern.mail.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A measurement, not a test: commits per second and commit latency with 1, 10 and 50 committing threads
 * (1 KiB messages), then MiB/s with 1 MiB messages. Run from tern-spool after test-compile:
 * {@code java -cp target/classes:target/test-classes:<tern-mail jar> dev.tern.spool.SpoolBench [dir]} (docs/spool.md).
 */
final class SpoolBench {
    private SpoolBench() {}

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"));
        Envelope envelope = Fixtures.envelope(1);
        run(base, envelope, 1, 1024, 2000); // warm-up
        for (int threads : new int[] {1, 10, 50}) run(base, envelope, threads, 1024, threads == 1 ? 3000 : 10000);
        run(base, envelope, 10, 1 << 20, 600);
        run(base, envelope, 50, 1 << 20, 1000);
    }

    private static void run(Path base, Envelope envelope, int threads, int size, int total) throws Exception {
        Path dir = Files.createTempDirectory(base, "spool-bench");
        byte[] content = Fixtures.content("bench", size);
        long[] latencies = new long[total];
        var next = new AtomicInteger();
        long start;
        long elapsed;
        try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
            start = System.nanoTime();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < threads; t++) {
                    executor.submit(() -> {
                        for (int i; (i = next.getAndIncrement()) < total; ) {
                            long began = System.nanoTime();
                            try (MessageWriter writer = spool.begin()) {
                                for (int at = 0; at < size; at += 65536) {
                                    writer.write(content, at, Math.min(65536, size - at));
                                }
                                writer.commit(envelope);
                            }
                            latencies[i] = System.nanoTime() - began;
                        }
                        return null;
                    });
                }
            }
            elapsed = System.nanoTime() - start;
        }
        deleteTree(dir);
        Arrays.sort(latencies);
        double seconds = elapsed / 1e9;
        System.out.printf("%2d threads x %7d B: %7.0f commits/s %7.1f MiB/s  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms%n",
                threads, size, total / seconds, total * (double) size / seconds / (1 << 20),
                latencies[total / 2] / 1e6, latencies[total * 99 / 100] / 1e6, latencies[total - 1] / 1e6);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
