package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole server over real loopback sockets, driven by transcripts (RFC 5321 §4.1, §4.3.2). */
class SmtpWireTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void acceptedMessageLandsInMaildirWithTraceHeaders() throws IOException {
        Transcript.run(server.port(), """
                S: 220 * ESMTP*
                C: EHLO client.test
                S: 250-*
                S: 250-SIZE *
                S: 250-PIPELINING
                S: 250-8BITMIME
                S: 250-ENHANCEDSTATUSCODES
                S: 250-SMTPUTF8
                S: 250-CHUNKING
                S: 250-DSN
                S: 250-STARTTLS
                S: 250 HELP
                C: MAIL FROM:<sender@client.test>
                S: 250 2.1.0 *
                C: RCPT TO:<alice@localhost>
                S: 250 2.1.5 *
                C: DATA
                S: 354 *
                C: Subject: wire test
                C:
                C: ..leading dot
                C: .
                S: 250 2.0.0 *queued as *
                C: QUIT
                S: 221 2.0.0 *
                S: <closed>
                """);
        List<Path> files = server.awaitMessages("alice", "localhost", 1, Duration.ofSeconds(10));
        assertThat(files).hasSize(1);
        String content = Files.readString(files.getFirst());
        assertThat(content).startsWith("Return-Path: <sender@client.test>\nDelivered-To: alice@localhost\nReceived: from client.test");
        assertThat(content).contains("Subject: wire test\n\n.leading dot\n").doesNotContain("\r");
    }

    @Test
    void pipelinedTransactionIsAnsweredInOrder() {
        // RFC 2920 §3.1: the client sends MAIL, RCPTs and DATA in one go; replies come back in order.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: <250 reply>
                C: MAIL FROM:<>
                C: RCPT TO:<bob@localhost>
                C: RCPT TO:<someone@elsewhere.example>
                C: RCPT TO:<carol@localhost>
                C: DATA
                S: 250 2.1.0 *
                S: 250 2.1.5 *
                S: 550 5.7.1 *
                S: 250 2.1.5 *
                S: 354 *
                C: Subject: pipelined
                C:
                C: body
                C: .
                C: NOOP
                C: QUIT
                S: 250 2.0.0 *
                S: 250 2.0.0 *
                S: 221 *
                """);
        assertThat(server.awaitMessages("bob", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
        assertThat(server.awaitMessages("carol", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
    }

    @Test
    void bdatChunksMakeOneMessage() throws IOException {
        // RFC 3030 §2: BDAT <size> [LAST]; chunk octets are taken literally, no dot-stuffing.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: <250 reply>
                C: MAIL FROM:<a@client.test>
                C: RCPT TO:<dave@localhost>
                C: BDAT 14
                C: Subject: x
                C:
                S: 250 *
                S: 250 *
                S: 250 *
                C: BDAT 7 LAST
                C: .body
                S: 250 2.0.0 *queued as *
                """);
        List<Path> files = server.awaitMessages("dave", "localhost", 1, Duration.ofSeconds(10));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.getFirst())).endsWith("Subject: x\n\n.body\n");
    }

    @Test
    void chunksOfAnAbandonedBdatTransactionNeverJoinTheNextMessage() throws IOException {
        // RFC 3030 §3: RSET ends the transaction, and its chunks with it.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: <250 reply>
                C: MAIL FROM:<a@client.test>
                C: RCPT TO:<wendy@localhost>
                C: BDAT 12
                C: ABANDONED!
                S: 250 *
                S: 250 *
                S: 250 *
                C: RSET
                S: 250 *
                C: MAIL FROM:<a@client.test>
                C: RCPT TO:<xena@localhost>
                C: BDAT 10 LAST
                C: Subject:
                S: 250 *
                S: 250 *
                S: 250 2.0.0 *queued as *
                """);
        List<Path> files = server.awaitMessages("xena", "localhost", 1, Duration.ofSeconds(10));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.getFirst())).doesNotContain("ABANDONED").endsWith("\nSubject:\n");
        assertThat(server.newMessages("wendy", "localhost")).isEmpty();
    }

    @Test
    void commandsOutOfOrderAreBadSequence() {
        // RFC 5321 §4.1.4 and §4.3.2: 503 for commands out of sequence.
        Transcript.run(server.port(), """
                S: 220 *
                C: MAIL FROM:<a@client.test>
                S: 503 5.5.1 *
                C: HELO client.test
                S: 250 *
                C: RCPT TO:<alice@localhost>
                S: 503 5.5.1 *
                C: DATA
                S: 503 5.5.1 *
                C: MAIL FROM:<a@client.test>
                S: 250 *
                C: MAIL FROM:<a@client.test>
                S: 503 5.5.1 *
                C: RSET
                S: 250 2.0.0 *
                C: QUIT
                S: 221 *
                """);
    }

    @Test
    void relayIsRefusedWhateverTheTrick() {
        // RFC 5321 §3.6.1: no open relay; source routes are ignored (§C), % and ! are plain characters.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: <250 reply>
                C: MAIL FROM:<a@client.test>
                S: 250 *
                C: RCPT TO:<victim@elsewhere.example>
                S: 550 5.7.1 *
                C: RCPT TO:<@localhost:victim@elsewhere.example>
                S: 550 5.7.1 *
                C: RCPT TO:<victim@elsewhere.example@localhost>
                S: 501 *
                C: QUIT
                S: 221 *
                """);
    }

    @Test
    void hostileLocalPartsStayInsideTheMailRoot() throws IOException {
        // Quoted local parts may hold anything printable (RFC 5321 §4.1.2); none of it may reach a path unescaped.
        Transcript.run(server.port(), """
                S: 220 *
                C: EHLO client.test
                S: <250 reply>
                C: MAIL FROM:<a@client.test>
                S: 250 *
                C: RCPT TO:<"../../../etc/x"@localhost>
                S: 250 *
                C: RCPT TO:<"a;b|c`d$(e)"@localhost>
                S: 250 *
                C: DATA
                S: 354 *
                C: Subject: paths
                C:
                C: x
                C: .
                S: 250 2.0.0 *
                """);
        Path domainDir = data.resolve("mail").resolve("localhost");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Path> delivered;
        do {
            delivered = deliveredToEncodedMailboxes(domainDir);
        } while (delivered.size() < 2 && System.nanoTime() < deadline);
        assertThat(delivered).hasSize(2).allSatisfy(p -> assertThat(p.normalize()).startsWith(domainDir));
        // Other tests' deliveries may be moving files meanwhile: look only at directory names, which stay.
        try (var mailboxes = Files.list(domainDir)) {
            assertThat(mailboxes.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.contains(";") || name.contains("`") || name.contains("/") || name.startsWith("."));
        }
        assertThat(data.resolve("etc")).doesNotExist();
        assertThat(data.resolve("mail").resolve("etc")).doesNotExist();
    }

    /** Messages in new/ of mailboxes whose directory name had to be percent-encoded. */
    private static List<Path> deliveredToEncodedMailboxes(Path domainDir) throws IOException {
        List<Path> delivered = new java.util.ArrayList<>();
        try (var mailboxes = Files.list(domainDir)) {
            for (Path mailbox : mailboxes.filter(p -> p.getFileName().toString().contains("%")).toList()) {
                Path fresh = mailbox.resolve("new");
                if (!Files.isDirectory(fresh)) continue;
                try (var files = Files.list(fresh)) {
                    delivered.addAll(files.toList()); // new/ only gains entries while delivery runs
                }
            }
        }
        return delivered;
    }

    @Test
    void tooLongCommandLineIsRefusedAndTheSessionGoesOn() {
        // RFC 5321 §4.5.3.1.4: at least 512 octets; Tern takes 2048 (the extensions' parameters need more).
        String longLine = "NOOP " + "x".repeat(2100);
        Transcript.run(server.port(), """
                S: 220 *
                C: %s
                S: 500 5.5.2 *
                C: NOOP
                S: 250 2.0.0 *
                """.formatted(longLine));
    }
}
