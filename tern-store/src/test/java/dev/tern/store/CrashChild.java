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
 * each step once it returned ({@code A <uid>}, {@code F <uid>}, {@code E <uid>}), then waits to be killed.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        MaildirStore store = new MaildirStore(new MaildirSettings(Path.of(args[0]), "mx.test"));
        Folder inbox = store.folders(Mailbox.of("alice", "example.com")).open("INBOX").orElseThrow();
        for (int i = 0; i < 5000; i++) {
            long uid = inbox.append(new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody\r\n")
                    .getBytes(StandardCharsets.US_ASCII)), Set.of(), null).uid();
            System.out.println("A " + uid);
            if (i % 3 == 1) {
                inbox.store(List.of(uid), FlagOperation.ADD, Set.of("\\Flagged"), OptionalLong.empty());
                System.out.println("F " + uid);
            }
            if (i % 3 == 2) {
                inbox.expunge(List.of(uid));
                System.out.println("E " + uid);
            }
            System.out.flush();
        }
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(60_000); // killed by the test long before; bounded if it is not
    }
}
