package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of APPEND, STORE and EXPUNGE, by one writer and by eight at once (whose transactions share
 * fsyncs of the log): every acknowledged change is there, no UID is reused.
 */
class FolderCrashTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0} writer(s)")
    @ValueSource(ints = {1, 8})
    void acknowledgedChangesSurviveKillNineAndUidsAreNotReused(int writers) throws Exception {
        Path root = temp.resolve("mail");
        Set<Long> appended = new TreeSet<>();
        Set<Long> flagged = new HashSet<>();
        Set<Long> expunged = new HashSet<>();
        Set<Long> doomed = new HashSet<>(); // an EXPUNGE followed: it may have been done, unacknowledged, at the kill
        for (int round = 0; round < 3; round++) {
            int steps = 150 + 70 * round; // kill at a different point each round
            runAndKill(root, writers, steps, appended, flagged, expunged, doomed);

            MaildirStore store = new MaildirStore(new MaildirSettings(root, "mx.test"));
            Folder inbox = store.folders(ALICE).open("INBOX").orElseThrow();
            FolderSnapshot snapshot = inbox.snapshot();
            Map<Long, MessageMeta> live = snapshot.messages().stream()
                    .collect(Collectors.toMap(MessageMeta::uid, Function.identity()));
            for (long uid : appended) {
                if (expunged.contains(uid)) {
                    assertThat(live).as("expunged uid %d", uid).doesNotContainKey(uid);
                } else if (!doomed.contains(uid) || live.containsKey(uid)) {
                    assertThat(live).as("appended uid %d", uid).containsKey(uid);
                    if (flagged.contains(uid)) assertThat(live.get(uid).flags()).contains("\\Flagged");
                    assertThat(MaildirFolderTest.read(inbox, uid)).matches("(?s)(Subject: .*|x\r\n)");
                }
            }
            long max = appended.stream().mapToLong(Long::longValue).max().orElse(0);
            assertThat(snapshot.uidNext()).isGreaterThan(max);
            long fresh = inbox.append(new ByteArrayInputStream("x\r\n".getBytes(StandardCharsets.US_ASCII)), Set.of(), null).uid();
            assertThat(fresh).isGreaterThan(max);
            appended.add(fresh);
            store.close();
        }
    }

    private static void runAndKill(Path root, int writers, int steps, Set<Long> appended, Set<Long> flagged, Set<Long> expunged,
                                   Set<Long> doomed)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), root.toString(), Integer.toString(writers))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            int seen = 0;
            while (seen < steps && (line = out.readLine()) != null && !line.equals("DONE")) {
                long uid = Long.parseLong(line.substring(2));
                switch (line.charAt(0)) {
                    case 'A' -> assertThat(appended.add(uid)).as("uid %d given twice", uid).isTrue();
                    case 'X' -> {
                        assertThat(appended.add(uid)).as("uid %d given twice", uid).isTrue();
                        doomed.add(uid);
                    }
                    case 'F' -> flagged.add(uid);
                    case 'E' -> expunged.add(uid);
                    default -> throw new AssertionError(line);
                }
                seen++;
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: whatever the child was doing is cut off
            child.waitFor();
        }
    }

}
