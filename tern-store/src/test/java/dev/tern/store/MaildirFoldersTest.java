package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaildirFoldersTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");

    @TempDir
    Path temp;
    private MaildirStore store;
    private Folders folders;

    @BeforeEach
    void open() throws IOException {
        store = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        folders = store.folders(ALICE);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void newAccountHasInboxAndTheSpecialUseFoldersSubscribed() throws IOException {
        assertThat(folders.list()).containsExactly(
                new FolderInfo("INBOX", Optional.empty(), true),
                new FolderInfo("Archive", Optional.of(SpecialUse.ARCHIVE), true),
                new FolderInfo("Drafts", Optional.of(SpecialUse.DRAFTS), true),
                new FolderInfo("Junk", Optional.of(SpecialUse.JUNK), true),
                new FolderInfo("Sent", Optional.of(SpecialUse.SENT), true),
                new FolderInfo("Trash", Optional.of(SpecialUse.TRASH), true));
        Path maildir = store.directory(ALICE);
        assertThat(maildir.resolve(".Sent/cur")).isDirectory();
        assertThat(maildir.resolve(".Sent/maildirfolder")).exists();
        assertThat(maildir.resolve("subscriptions")).exists();
    }

    @Test
    void specialUseAndSubscriptionsSurviveAReopen() throws IOException {
        folders.create("Lists.tern", Optional.of(SpecialUse.FLAGGED));
        folders.subscribe("Lists.tern", true);
        folders.subscribe("Sent", false);
        folders.subscribe("Not.There", true);

        Folders again = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test")).folders(ALICE);

        assertThat(again.list()).contains(new FolderInfo("Lists.tern", Optional.of(SpecialUse.FLAGGED), true),
                new FolderInfo("Lists", Optional.empty(), false), new FolderInfo("Sent", Optional.of(SpecialUse.SENT), false));
        assertThat(again.subscriptions()).contains("Not.There", "Lists.tern").doesNotContain("Sent");
    }

    // RFC 9051 §6.3.4-6.3.6, and Maildir++ names on disk in modified UTF-7 (RFC 3501 §5.1.3), as Dovecot writes them.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        Work             | .Work
        Work.2024        | .Work.2024
        Entwürfe         | .Entw&APw-rfe
        a&b              | .a&-b
        台北             | .&U,BTFw-
        inbox.Sub        | .INBOX.Sub
        """)
    void createWritesMaildirPlusPlusNames(String name, String directory) throws IOException {
        assertThat(folders.create(name, Optional.empty())).isEqualTo(new FolderOutcome.Done());
        assertThat(store.directory(ALICE).resolve(directory).resolve("cur")).isDirectory();
        assertThat(folders.list()).extracting(FolderInfo::name).contains(FolderNames.canonical(name).orElseThrow());
        assertThat(folders.open(name)).isPresent();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        .Lead
        Trail.
        a..b
        sl/ash
        star*
        """)
    void invalidNamesAreRefused(String name) throws IOException {
        assertThat(folders.create(name, Optional.empty())).isInstanceOf(FolderOutcome.Refused.class);
    }

    @Test
    void createTwiceSaysAlreadyExistsAndInboxAlwaysExists() throws IOException {
        assertThat(folders.create("Work", Optional.empty())).isEqualTo(new FolderOutcome.Done());
        assertThat(folders.create("Work", Optional.empty())).isEqualTo(new FolderOutcome.AlreadyExists("Work"));
        assertThat(folders.create("inbox", Optional.empty())).isEqualTo(new FolderOutcome.AlreadyExists("INBOX"));
        assertThat(folders.open("iNbOx")).map(Folder::name).contains("INBOX");
    }

    @Test
    void deleteRemovesAFolderButNotInboxNorAParentOfOthers() throws IOException {
        folders.create("A.B", Optional.empty());
        assertThat(folders.delete("INBOX")).isInstanceOf(FolderOutcome.Refused.class);
        assertThat(folders.delete("A")).isInstanceOf(FolderOutcome.Refused.class);
        assertThat(folders.delete("A.B")).isEqualTo(new FolderOutcome.Done());
        assertThat(folders.delete("A.B")).isEqualTo(new FolderOutcome.NoSuchFolder("A.B"));
        assertThat(folders.delete("A")).isEqualTo(new FolderOutcome.Done());
        assertThat(folders.list()).extracting(FolderInfo::name).doesNotContain("A", "A.B");
        try (var entries = Files.list(store.directory(ALICE))) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("tern-deleted"));
        }
    }

    @Test
    void deletedAndRecreatedFolderGetsANewUidValidity() throws IOException {
        folders.create("Work", Optional.empty());
        long first = folders.open("Work").orElseThrow().uidValidity();
        folders.delete("Work");
        folders.create("Work", Optional.empty());
        assertThat(folders.open("Work").orElseThrow().uidValidity()).isGreaterThan(first);
    }

    @Test
    void renameMovesChildrenAndKeepsMessages() throws IOException {
        folders.create("A.B", Optional.empty());
        Folder b = folders.open("A.B").orElseThrow();
        b.append(stream("Subject: x\r\n\r\nhi\r\n"), Set.of(), null);

        assertThat(folders.rename("A", "Z.Y")).isEqualTo(new FolderOutcome.Done());

        assertThat(folders.list()).extracting(FolderInfo::name).contains("Z", "Z.Y", "Z.Y.B").doesNotContain("A", "A.B");
        assertThat(folders.open("Z.Y.B").orElseThrow().snapshot().messages()).hasSize(1);
        assertThat(folders.rename("Missing", "X")).isEqualTo(new FolderOutcome.NoSuchFolder("Missing"));
        assertThat(folders.rename("Z", "Sent")).isEqualTo(new FolderOutcome.AlreadyExists("Sent"));
        assertThat(folders.rename("Z", "Z.Y.C")).isInstanceOf(FolderOutcome.Refused.class);
    }

    @Test
    void renameInboxMovesItsMessagesAndLeavesItEmpty() throws IOException {
        Folder inbox = folders.open("INBOX").orElseThrow();
        inbox.append(stream("one\r\n"), Set.of("\\Seen"), null);
        inbox.append(stream("two\r\n"), Set.of(), null);

        assertThat(folders.rename("INBOX", "Old")).isEqualTo(new FolderOutcome.Done());

        assertThat(inbox.snapshot().messages()).isEmpty();
        List<MessageMeta> moved = folders.open("Old").orElseThrow().snapshot().messages();
        assertThat(moved).hasSize(2);
        assertThat(moved.getFirst().flags()).containsExactly("\\Seen");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
