package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Snapshots of an unchanged folder hand out one immutable message list, so the sessions that SELECT it share it
 * (issue 8: idle IMAP sessions at most 32 KiB each); every commit gives the next snapshot a new one.
 */
class SnapshotSharingTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");

    @TempDir
    Path temp;
    private MaildirStore store;
    private Folder inbox;

    @BeforeEach
    void open() throws IOException {
        store = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        inbox = store.folders(ALICE).open("INBOX").orElseThrow();
        for (int i = 0; i < 3; i++) inbox.append(stream("Subject: " + i + "\r\n\r\nbody\r\n"), Set.of(), Instant.EPOCH);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void unchangedFolderGivesTheSameList() throws IOException {
        List<MessageMeta> first = inbox.snapshot().messages();
        assertThat(inbox.snapshot().messages()).isSameAs(first);
        inbox.content(1).orElseThrow().close(); // reading changes nothing
        inbox.store(List.of(1L), FlagOperation.ADD, Set.of(), OptionalLong.empty()); // nor a STORE of no flags
        assertThat(inbox.snapshot().messages()).isSameAs(first);
    }

    enum Change {
        APPEND, STORE, EXPUNGE, DELIVERY
    }

    @ParameterizedTest
    @EnumSource(Change.class)
    void everyCommitGivesANewList(Change change) throws IOException {
        List<MessageMeta> before = inbox.snapshot().messages();
        switch (change) {
            case APPEND -> inbox.append(stream("Subject: more\r\n\r\nbody\r\n"), Set.of(), Instant.EPOCH);
            case STORE -> inbox.store(List.of(2L), FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
            case EXPUNGE -> inbox.expunge(List.of(3L));
            case DELIVERY -> store.deliver(ALICE, "Q9", stream("Subject: new\r\n\r\nbody\r\n"), false);
        }
        List<MessageMeta> after = inbox.snapshot().messages();
        assertThat(after).isNotSameAs(before);
        assertThat(before).as("a list handed out is never changed").hasSize(3);
        assertThat(inbox.snapshot().messages()).isSameAs(after);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
