package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SELECT on 10,000 messages, once the index is loaded, is a snapshot of memory plus one read of an empty new/. */
class FolderSpeedTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");

    @TempDir
    Path temp;

    @Test
    void snapshotOfTenThousandMessagesTakesWellUnderTenMilliseconds() throws IOException {
        MaildirStore store = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        Path maildir = store.directory(ALICE);
        store.folders(ALICE);
        // The index of 10,000 messages, written directly (the files do not matter to SELECT).
        List<IndexRecord> appends = new ArrayList<>();
        for (int i = 1; i <= 10_000; i++) {
            appends.add(new IndexRecord.Append(i, "1700000000.M" + i + ".other:2,S", Instant.EPOCH, 100, Set.of("\\Seen"), 2));
        }
        try (IndexFiles files = IndexFiles.create(maildir, 7)) {
            files.append(appends);
        }
        Folder inbox = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test")).folders(ALICE)
                .open("INBOX").orElseThrow();
        assertThat(inbox.snapshot().messages()).hasSize(10_000);

        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            FolderSnapshot snapshot = inbox.snapshot();
            best = Math.min(best, System.nanoTime() - start);
            assertThat(snapshot.messages()).hasSize(10_000);
        }
        assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofMillis(5));
        store.close();
    }
}
