package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery-id check after a crash is a lookup, not a listing: the same cost for 10 and 1,000,000 messages. */
class DeliveryCheckTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final int MESSAGES = 10_000; // the count of entries read shows the cost, not the wall time

    @TempDir
    Path temp;

    @Test
    void checkedDeliveriesReadNoDirectoryAfterTheFirst() throws IOException {
        Path root = temp.resolve("mail");
        MaildirStore store = new MaildirStore(new MaildirSettings(root, "mx.test"), CLOCK);
        store.deliver(ALICE, "Qfirst", stream("first\r\n"), false);
        Path incoming = store.directory(ALICE).resolve("new");
        // 10,000 delivered files from an earlier run, one second earlier than this run's clock: a recovered
        // delivery cannot guess its file's name.
        for (int i = 0; i < MESSAGES; i++) Files.createFile(incoming.resolve("1699999999.Q" + i + ".mx.test"));

        MaildirStore restarted = new MaildirStore(new MaildirSettings(root, "mx.test"), CLOCK);
        restarted.deliver(ALICE, "Q0", stream("again\r\n"), true); // the first check lists new/ once
        long listed = Directories.ENTRIES_READ.sum();

        long start = System.nanoTime();
        for (int i = 1; i < 200; i++) restarted.deliver(ALICE, "Q" + (i * 37), stream("again\r\n"), true);
        restarted.deliver(ALICE, "Qnew", stream("new one\r\n"), true);
        restarted.deliver(ALICE, "Qnew", stream("new one\r\n"), true);
        long elapsed = System.nanoTime() - start;

        assertThat(Directories.ENTRIES_READ.sum() - listed).as("directory entries read by 201 checks").isZero();
        assertThat(Duration.ofNanos(elapsed)).isLessThan(Duration.ofSeconds(2));
        try (var files = Files.list(incoming)) {
            assertThat(files.count()).isEqualTo(MESSAGES + 2); // only Qnew was stored, once
        }
    }

    @Test
    void aDeliveryAlreadyIndexedAndMovedToCurIsFoundByItsId() throws IOException {
        Path root = temp.resolve("mail");
        MaildirStore store = new MaildirStore(new MaildirSettings(root, "mx.test"), CLOCK);
        store.deliver(ALICE, "Q1", stream("one\r\n"), false);
        store.folders(ALICE).open("INBOX").orElseThrow().snapshot(); // indexed: now in cur/

        MaildirStore later = new MaildirStore(new MaildirSettings(root, "mx.test"), Clock.offset(CLOCK, Duration.ofSeconds(5)));
        later.deliver(ALICE, "Q1", stream("one\r\n"), true);

        List<MessageMeta> messages = later.folders(ALICE).open("INBOX").orElseThrow().snapshot().messages();
        assertThat(messages).hasSize(1);
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Quarantined mail (issue 9) goes to the Junk folder, as durably and as idempotently as to the INBOX. */
    @Test
    void aDeliveryToTheJunkFolderLandsThereOnceAndNotInTheInbox() throws IOException {
        Path root = temp.resolve("mail");
        MaildirStore store = new MaildirStore(new MaildirSettings(root, "mx.test"), CLOCK);
        store.deliver(ALICE, SpecialUse.JUNK, "Qjunk", stream("spam\r\n"), false);
        MaildirStore restarted = new MaildirStore(new MaildirSettings(root, "mx.test"), Clock.offset(CLOCK, Duration.ofSeconds(5)));
        restarted.deliver(ALICE, SpecialUse.JUNK, "Qjunk", stream("spam\r\n"), true);

        assertThat(restarted.folders(ALICE).open("Junk").orElseThrow().snapshot().messages()).hasSize(1);
        assertThat(restarted.folders(ALICE).open("INBOX").orElseThrow().snapshot().messages()).isEmpty();
    }
}
