package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound delivery against receivers that misbehave on purpose (issue 7, "Tests (real parts)"): Postfix's
 * {@code smtp-sink} with its fault-injection flags, and a {@link ScriptedSmtpServer} for what the sink cannot
 * do (a small SIZE, a server that never speaks). The sender is a whole Tern whose resolver is a {@link TestDns}
 * with {@code far.example}'s MX on 127.0.0.11; what fails comes back to alice as a DSN parsed by Angus Mail.
 */
class OutboundFaultsTest {
    private static final String MX_ADDRESS = "127.0.0.11";

    @TempDir
    Path senderData;
    @TempDir
    Path work;

    TestDns dns;
    TestServer sender;
    InetSocketAddress mx;
    SmtpSink sink;
    ScriptedSmtpServer scripted;

    @BeforeEach
    void start() throws Exception {
        dns = TestDns.start();
        dns.mx("far.example", 10, "mx.far.example").a("mx.far.example", MX_ADDRESS);
        mx = new InetSocketAddress(MX_ADDRESS, OutboundFixture.freePort(MX_ADDRESS));
    }

    @AfterEach
    void stop() {
        if (sender != null) sender.close();
        if (sink != null) sink.close();
        if (scripted != null) scripted.close();
        dns.close();
    }

    private void startSender(Duration commandTimeout) throws Exception {
        sender = OutboundFixture.sender(senderData, dns, mx.getPort(), commandTimeout);
    }

    @Test
    void aSoftRcptRefusalIsRetriedAndTheNextAttemptDeliversExactlyOneCopy() throws Exception {
        sink = SmtpSink.start(work, mx, "-r", "RCPT");
        startSender(Duration.ofSeconds(5));
        OutboundFixture.submit(sender, "bob@far.example");
        // smtp-sink's soft reject: "450 4.3.0 Error: command failed", kept as the recipient's last diagnostic.
        assertThat(OutboundFixture.awaitQueue(senderData, "4.3.0", Duration.ofSeconds(10))).contains("4.3.0").contains("pending");
        sink.close();
        sink = SmtpSink.start(work, mx);
        List<String> copies = sink.awaitTransactions(OutboundFixture.END, 1, Duration.ofSeconds(10));
        assertThat(copies).hasSize(1);
        assertThat(copies.getFirst()).contains("X-Rcpt-Args: <bob@far.example>").contains(OutboundFixture.END);
        // Retries come every second at most: a second copy would have come by now.
        assertThat(sink.awaitTransactions(OutboundFixture.END, 2, Duration.ofSeconds(2))).hasSize(1);
        assertThat(sender.newMessages("alice", "localhost")).as("no DSN for a delivered message").isEmpty();
    }

    @ParameterizedTest(name = "smtp-sink {0} {1}")
    @CsvSource({
            // flag, command, permanent: smtp-sink's replies are "500 5.3.0 …" (-f) and "450 4.3.0 …" (-r)
            "-f, RCPT, true",
            "-f, MAIL, true",
            "-f, DATA, true",
            "-f, ., true",
            "-r, MAIL, false",
            "-r, DATA, false",
            "-r, ., false",
    })
    void aRefusalAtEachStageBouncesOrDefers(String flag, String command, boolean permanent) throws Exception {
        sink = SmtpSink.start(work, mx, flag, command);
        startSender(Duration.ofSeconds(5));
        OutboundFixture.submit(sender, "bob@far.example");
        if (permanent) {
            String status = OutboundFixture.onlyDsnStatus(sender);
            assertThat(status).contains("Final-Recipient: rfc822;bob@far.example").contains("Action: failed")
                    .contains("Status: 5.3.0").contains("Remote-MTA: dns; mx.far.example")
                    .contains("Diagnostic-Code: smtp; 500 5.3.0");
            assertThat(OutboundFixture.queue(senderData)).doesNotContain("bob@far.example");
        } else {
            String listing = OutboundFixture.awaitQueue(senderData, "4.3.0", Duration.ofSeconds(10));
            assertThat(listing).contains("bob@far.example").contains("pending").contains("4.3.0");
            assertThat(sender.awaitMessages("alice", "localhost", 1, Duration.ofMillis(500))).as("no DSN for a deferral").isEmpty();
        }
        // The sink dumps the content before it answers the end of data; before that, nothing may have arrived.
        if (!command.equals(".")) assertThat(sink.transactions(OutboundFixture.END)).isEmpty();
    }

    @Test
    void anEightBitMessageToAServerWithout8BitMimeBouncesWith563() throws Exception {
        sink = SmtpSink.start(work, mx, "-8");
        startSender(Duration.ofSeconds(5));
        OutboundFixture.submit(sender, "MAIL FROM:<alice@localhost>", List.of("RCPT TO:<bob@far.example>"),
                "Subject: 8-bit\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncafé crème\r\n" + OutboundFixture.END);
        // RFC 6152 §3: no 8-bit data to a server without 8BITMIME; Tern does not convert (RFC 3463 X.6.3).
        assertThat(OutboundFixture.onlyDsnStatus(sender)).contains("Final-Recipient: rfc822;bob@far.example")
                .contains("Action: failed").contains("Status: 5.6.3");
        assertThat(sink.transactions(OutboundFixture.END)).isEmpty();
    }

    @Test
    void anSmtpUtf8MessageToAServerWithoutSmtpUtf8BouncesWith567() throws Exception {
        // smtp-sink never offers SMTPUTF8.
        sink = SmtpSink.start(work, mx);
        startSender(Duration.ofSeconds(5));
        OutboundFixture.submit(sender, "MAIL FROM:<alice@localhost> SMTPUTF8", List.of("RCPT TO:<bob@far.example>"),
                "Subject: =?utf-8?q?caf=C3=A9?=\r\nFrom: Zoë <alice@localhost>\r\n\r\n" + OutboundFixture.END);
        // RFC 6531 §3.2: the message is not sent; X.6.7 (RFC 6531 §3.6.2 / RFC 5248).
        assertThat(OutboundFixture.onlyDsnStatus(sender)).contains("Final-Recipient: rfc822;bob@far.example")
                .contains("Action: failed").contains("Status: 5.6.7");
        assertThat(sink.transactions(OutboundFixture.END)).isEmpty();
    }

    @Test
    void withoutPipeliningTheClientGoesInLockStep() throws Exception {
        // smtp-sink -p: no PIPELINING offered; the transaction with two recipients still goes through.
        sink = SmtpSink.start(work, mx, "-p");
        startSender(Duration.ofSeconds(5));
        OutboundFixture.submit(sender, "bob@far.example", "carol@far.example");
        List<String> copies = sink.awaitTransactions(OutboundFixture.END, 1, Duration.ofSeconds(10));
        assertThat(copies).hasSize(1);
        assertThat(copies.getFirst()).contains("X-Rcpt-Args: <bob@far.example>").contains("X-Rcpt-Args: <carol@far.example>");
    }

    @Test
    void withoutPipeliningNoCommandIsSentBeforeTheLastOneIsAnswered() throws Exception {
        // The sink cannot tell a pipelining client; this server looks for a command behind the one it read.
        scripted = ScriptedSmtpServer.answering(mx, "8BITMIME", "ENHANCEDSTATUSCODES");
        startSender(Duration.ofSeconds(5));
        String id = OutboundFixture.submit(sender, "bob@far.example", "carol@far.example", "dave@far.example");
        assertThat(OutboundFixture.awaitNotInQueue(senderData, id, Duration.ofSeconds(10))).as("delivered").doesNotContain(id);
        assertThat(sender.newMessages("alice", "localhost")).isEmpty();
        assertThat(scripted.commands()).anyMatch(c -> c.startsWith("RCPT TO:<dave@far.example>"));
        assertThat(scripted.sawPipelining()).as("pipelined without PIPELINING: %s", scripted.commands()).isFalse();
    }

    @Test
    void aMessageOverTheServersSizeBouncesWith534WithoutMail() throws Exception {
        scripted = ScriptedSmtpServer.answering(mx, "PIPELINING", "SIZE 100", "ENHANCEDSTATUSCODES");
        startSender(Duration.ofSeconds(5));
        OutboundFixture.submit(sender, "MAIL FROM:<alice@localhost>", List.of("RCPT TO:<bob@far.example>"),
                "Subject: big\r\n\r\n" + "x".repeat(300));
        // RFC 1870 §6.2: over a fixed maximum the client does not try; X.3.4 message too big.
        assertThat(OutboundFixture.onlyDsnStatus(sender)).contains("Final-Recipient: rfc822;bob@far.example")
                .contains("Action: failed").contains("Status: 5.3.4");
        assertThat(scripted.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void aServerThatNeverSpeaksTimesOutWithinTheConfiguredTimeoutAndDefers() throws Exception {
        scripted = ScriptedSmtpServer.stalling(mx);
        startSender(Duration.ofSeconds(1));
        OutboundFixture.submit(sender, "bob@far.example");
        long stayed = scripted.awaitClientClose(10_000);
        // RFC 5321 §4.5.3.2: the greeting gets the command timeout (1 s here), then the client gives up.
        assertThat(stayed).as("the client hung up").isNotNegative().isBetween(900L, 4_000L);
        assertThat(OutboundFixture.awaitQueue(senderData, "4.4.2", Duration.ofSeconds(5))).contains("pending").contains("4.4.2");
        assertThat(sender.newMessages("alice", "localhost")).isEmpty();
    }
}
