package dev.tern.store;

import dev.tern.mail.Mailbox;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The process {@link FolderCrashTest} kills: APPENDs, STOREs and EXPUNGEs into INBOX in a bounded loop and prints
 * each step once it returned ({@code A <uid>}, or {@code X <uid>} for one it
 * expunges next, {@code F <uid>}, {@code E <uid>}), then waits to be killed. With a
 * second argument N, N writers do so at once (their transactions share the log's fsyncs).
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        MaildirStore store = new MaildirStore(new MaildirSettings(Path.of(args[0]), "mx.test"));
        Folder inbox = store.folders(Mailbox.of("alice", "example.com")).open("INBOX").orElseThrow();
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 1; // > 1: concurrent writers share fsyncs
        Thread[] threads = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads[w] = Thread.ofVirtual().start(() -> {
                try {
                    run(inbox, writer, 5000 / writers);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
        }
        for (Thread thread : threads) thread.join();
        say("DONE");
        Thread.sleep(60_000); // killed by the test long before; bounded if it is not
    }

    private static void run(Folder inbox, int writer, int steps) throws Exception {
        for (int i = 0; i < steps; i++) {
            long uid = inbox.append(new ByteArrayInputStream(("Subject: " + writer + "." + i + "\r\n\r\nbody\r\n")
                    .getBytes(StandardCharsets.US_ASCII)), Set.of(), null).uid();
            say((i % 3 == 2 ? "X " : "A ") + uid); // X: appended, and an EXPUNGE of it follows
            if (i % 3 == 1) {
                inbox.store(List.of(uid), FlagOperation.ADD, Set.of("\\Flagged"), OptionalLong.empty());
                say("F " + uid);
            }
            if (i % 3 == 2) {
                inbox.expunge(List.of(uid));
                say("E " + uid);
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
