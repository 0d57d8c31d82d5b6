package dev.tern.spool;

import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState.Status;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link CrashTest} in a child JVM that gets killed: commits messages from several threads forever
 * and prints {@code committed <id> .} once a commit returned; for every fourth message it then prints
 * {@code completing <id> .}, completes its only recipient, and prints {@code completed <id> .}. The trailing
 * dot tells a whole line from one cut by the kill.
 */
final class CrashChild {
    private CrashChild() {}

    /** Content of the message with queue id {@code id}: its size and bytes follow from the id alone. */
    static byte[] contentFor(QueueId id) {
        int size = 200 + Math.floorMod(id.value().hashCode(), 20_000);
        return Fixtures.content(id.value(), size);
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, false);
        var settings = new SpoolSettings(true, 1 << 20, 8192);
        Spool spool = Spool.open(directory, settings);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; ; i++) {
                        QueueId id;
                        try (MessageWriter writer = spool.begin()) {
                            byte[] content = contentFor(writer.id());
                            writer.write(content, 0, content.length);
                            writer.commit(Fixtures.envelope(1));
                            id = writer.id();
                        }
                        print(out, "committed " + id + " .");
                        if (i % 4 == 0) {
                            print(out, "completing " + id + " .");
                            spool.complete(id, 0, Status.DELIVERED, "ok");
                            print(out, "completed " + id + " .");
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread worker : workers) worker.join();
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
