package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaildirStoreTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    @TempDir
    Path temp;
    private Path root;
    private MaildirStore store;

    @BeforeEach
    void openStore() {
        root = temp.resolve("mail");
        store = new MaildirStore(new MaildirSettings(root, "mx.test"), CLOCK);
    }

    @Test
    void deliveredMessageIsInNewWithLfEndingsAndNothingInTmp() throws IOException {
        store.deliver(ALICE, "Q1a", stream("Subject: hi\r\n\r\nbody\r\n.dot\r\nbare\rcr\r\n"), false);

        Path maildir = root.resolve("example.com").resolve("alice");
        assertThat(store.directory(ALICE)).isEqualTo(maildir);
        // ,W= is the size with CRLF line endings (36 octets as given), Dovecot's field.
        assertThat(files(maildir.resolve("new"))).containsExactly(maildir.resolve("new/1700000000.Q1a.mx.test,W=36"));
        assertThat(Files.readString(maildir.resolve("new/1700000000.Q1a.mx.test,W=36")))
                .isEqualTo("Subject: hi\n\nbody\n.dot\nbare\rcr\n");
        assertThat(files(maildir.resolve("tmp"))).isEmpty();
        assertThat(files(maildir.resolve("cur"))).isEmpty();
    }

    @Test
    void repeatedDeliveryWithCheckExistingStoresOnce() throws IOException {
        store.deliver(ALICE, "Q1a", stream("one\r\n"), false);
        store.deliver(ALICE, "Q1a", stream("one\r\n"), true);
        store.deliver(ALICE, "Q1ab", stream("other id\r\n"), true);

        assertThat(store.list(ALICE)).extracting(StoredMessage::uniqueName)
                .containsExactly("1700000000.Q1a.mx.test,W=5", "1700000000.Q1ab.mx.test,W=10");
    }

    @Test
    void retryAfterACrashReplacesItsOwnHalfWrittenTmpFile() throws IOException {
        // A kill between write and rename leaves tmp/<sec>.<id>.<host>; a retry in the same second reuses the name.
        store.deliver(ALICE, "Q2", stream("first\r\n"), false);
        Path maildir = store.directory(ALICE);
        Files.writeString(maildir.resolve("tmp/1700000000.Q9.mx.test"), "half wri");

        store.deliver(ALICE, "Q9", stream("whole\r\n"), true);

        assertThat(Files.readString(maildir.resolve("new/1700000000.Q9.mx.test,W=7"))).isEqualTo("whole\n");
        assertThat(files(maildir.resolve("tmp"))).isEmpty();
    }

    @Test
    void tmpFilesAbandonedMoreThan36HoursAgoAreSwept() throws IOException {
        store.deliver(ALICE, "Q3", stream("first\r\n"), false);
        Path tmp = store.directory(ALICE).resolve("tmp");
        Path abandoned = Files.writeString(tmp.resolve("1699800000.Q1.mx.test"), "crashed long ago");
        Path recent = Files.writeString(tmp.resolve("1699990000.Q2.mx.test"), "crashed just now");
        Files.setLastModifiedTime(abandoned, FileTime.from(CLOCK.instant().minus(Duration.ofHours(37))));
        Files.setLastModifiedTime(recent, FileTime.from(CLOCK.instant().minus(Duration.ofHours(35))));

        new MaildirStore(new MaildirSettings(root, "mx.test"), CLOCK).deliver(ALICE, "Q4", stream("next\r\n"), false);

        assertThat(files(tmp)).containsExactly(recent);
    }

    @Test
    void messageAlreadyReadIntoCurCountsAsDelivered() throws IOException {
        MaildirStore earlier = new MaildirStore(new MaildirSettings(root, "old.host"),
                Clock.offset(CLOCK, Duration.ofHours(-1)));
        earlier.deliver(ALICE, "Q7", stream("seen\r\n"), false);
        Path fresh = store.list(ALICE).getFirst().path();
        Files.move(fresh, store.directory(ALICE).resolve("cur").resolve(fresh.getFileName() + ":2,S"));

        store.deliver(ALICE, "Q7", stream("seen\r\n"), true);

        List<StoredMessage> messages = store.list(ALICE);
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().isNew()).isFalse();
        assertThat(messages.getFirst().flags()).isEqualTo("S");
        assertThat(messages.getFirst().deliveryId()).contains("Q7");
    }

    @Test
    void withoutCheckExistingAnotherSecondGivesAnotherCopy() throws IOException {
        store.deliver(ALICE, "Q1", stream("x\r\n"), false);
        new MaildirStore(new MaildirSettings(root, "mx.test"), Clock.offset(CLOCK, Duration.ofSeconds(1)))
                .deliver(ALICE, "Q1", stream("x\r\n"), false);
        assertThat(store.list(ALICE)).hasSize(2).allMatch(StoredMessage::isNew);
    }

    @Test
    void hostileLocalPartsAreDeliveredInsideRootAndApart() throws IOException {
        List<String> nasty = List.of("..", ".", "../../escape", "a/b", "/etc/passwd", "a b", "A B", "a%20b",
                "a;b", "$(x)", "`id`", "a|b", "-rf", ".hidden", "jörg", "JÖRG", "\\..", "%2E%2E");
        Set<Path> directories = new HashSet<>();
        for (String localPart : nasty) {
            Mailbox user = new Mailbox(localPart, Domain.parse("[192.0.2.1]"));
            store.deliver(user, "Q1", stream(localPart + "\r\n"), false);
            Path directory = store.directory(user);
            assertThat(directory.normalize().startsWith(root)).as(localPart).isTrue();
            assertThat(directory.normalize().getParent().getParent()).as(localPart).isEqualTo(root);
            assertThat(directory.toRealPath().getParent().getParent()).as(localPart).isEqualTo(root.toRealPath());
            assertThat(directories.add(directory)).as(localPart + " has a directory of its own").isTrue();
            assertThat(Files.readString(store.list(user).getFirst().path())).isEqualTo(localPart + "\n");
        }
        assertThat(files(temp)).as("nothing written beside root").containsExactly(root);
        assertThat(files(root)).containsExactly(root.resolve("%5B192.0.2.1%5D"));
    }

    @Test
    void concurrentDeliveriesToOneMailboxAllLand() throws Exception {
        int threads = 20;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> deliveries = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String id = "Q" + i;
                deliveries.add(executor.submit(() -> {
                    start.await();
                    store.deliver(ALICE, id, stream("message " + id + "\r\n"), true);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> delivery : deliveries) delivery.get();
        }
        List<StoredMessage> messages = store.list(ALICE);
        assertThat(messages).hasSize(threads);
        for (StoredMessage message : messages) {
            assertThat(Files.readString(message.path())).isEqualTo("message " + message.deliveryId().orElseThrow() + "\n");
        }
        assertThat(files(store.directory(ALICE).resolve("tmp"))).isEmpty();
    }

    @Test
    void mailboxRemovedAfterAnEarlierDeliveryIsMadeAgain() throws IOException {
        // The store remembers mailboxes it made; one deleted by hand meanwhile must not fail delivery.
        store.deliver(ALICE, "Q1", stream("one\r\n"), false);
        try (Stream<Path> tree = Files.walk(store.directory(ALICE))) {
            for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(path);
        }
        store.deliver(ALICE, "Q2", stream("two\r\n"), false);
        assertThat(store.list(ALICE)).extracting(StoredMessage::uniqueName).containsExactly("1700000000.Q2.mx.test,W=5");
    }

    @Test
    void largeMessageArrivesIntact() throws IOException {
        Random random = new Random(5321);
        StringBuilder crlf = new StringBuilder();
        while (crlf.length() < 3 * 1024 * 1024) {
            int length = random.nextInt(0, 998); // RFC 5321 §4.5.3.1.6: at most 998 characters before CRLF
            for (int i = 0; i < length; i++) crlf.append((char) random.nextInt(' ', '~' + 1));
            crlf.append(random.nextInt(50) == 0 ? "\r" : "").append("\r\n");
        }
        byte[] content = crlf.toString().getBytes(StandardCharsets.US_ASCII);

        store.deliver(ALICE, "Qbig", new ByteArrayInputStream(content), false);

        String expected = crlf.toString().replace("\r\n", "\n");
        assertThat(Files.readString(store.list(ALICE).getFirst().path(), StandardCharsets.US_ASCII))
                .isEqualTo(expected);
    }

    @Test
    void failedReadLeavesNothingBehind() throws IOException {
        InputStream broken = new InputStream() {
            private int left = 100_000;

            @Override
            public int read() throws IOException {
                if (left == 0) throw new IOException("connection reset"); // and on every later call
                left--;
                return 'x';
            }
        };
        assertThatThrownBy(() -> store.deliver(ALICE, "Q9", broken, false)).isInstanceOf(IOException.class);
        assertThat(store.list(ALICE)).isEmpty();
        assertThat(files(store.directory(ALICE).resolve("tmp"))).isEmpty();
    }

    @Test
    void refusesDeliveryIdsThatCouldNotBeFoundAgain() {
        for (String id : List.of("", "a.b", "a/b", "../x", "a:2,S", "x".repeat(65))) {
            assertThatThrownBy(() -> store.deliver(ALICE, id, stream("x"), false)).as(id)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(root).doesNotExist();
    }

    @Test
    void listOfAnUnknownMailboxIsEmpty() throws IOException {
        assertThat(store.list(Mailbox.of("nobody", "example.com"))).isEmpty();
    }

    @Test
    void openCreatesRoot() throws IOException {
        MaildirStore opened = MaildirStore.open(root.resolve("data/mail"));
        assertThat(opened.root()).isDirectory();
        opened.deliver(ALICE, "Q1", stream("x"), false);
        assertThat(opened.list(ALICE)).hasSize(1);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nb\r\n", "bare\nlf\n", "lone\rcr\r\n", "cr\r\r\nlf", "", "no end"})
    void theNameCarriesTheSizeReadersSee(String content) throws IOException {
        store.deliver(ALICE, "S1", new ByteArrayInputStream(content.getBytes(StandardCharsets.US_ASCII)), false);
        Path file = store.list(ALICE).getFirst().path();
        long expected;
        try (InputStream in = Files.newInputStream(file)) {
            expected = LfToCrlf.crlfSize(in);
        }
        assertThat(file.getFileName().toString()).endsWith(",W=" + expected);
        assertThat(MessageFiles.crlfSize(file)).isEqualTo(expected);
    }
}
