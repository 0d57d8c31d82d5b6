package dev.tern.milter;

import static dev.tern.milter.MilterProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.milter.MilterSettings.DefaultAction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** A filter that misbehaves, or is not there, gives the default action: never an exception, never a hang. */
class MilterFaultTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final ConnectInfo INFO = new ConnectInfo("client.example", ConnectInfo.Family.INET6, "2001:db8::1", 2525,
            Map.of("j", "mx.tern.test", "{client_addr}", "2001:db8::1", "{daemon_name}", "tern"));

    @ParameterizedTest
    @EnumSource(DefaultAction.class)
    void nothingListeningGivesTheDefaultAtEveryStage(DefaultAction action) throws Exception {
        Verdict expected = action == DefaultAction.TEMPFAIL ? Verdict.TEMPFAIL : Verdict.ACCEPT;
        try (MilterSession session = open("inet:127.0.0.1:" + PythonMilter.freePort(), action)) {
            assertThat(session.failed()).isTrue();
            assertThat(session.connect()).isEqualTo(expected);
            assertThat(session.helo("client.example", Map.of())).isEqualTo(expected);
            assertThat(session.mail("a@b.example", List.of(), Map.of())).isEqualTo(expected);
            assertThat(session.body(new byte[10], 0, 10)).isEqualTo(expected);
            assertThat(session.endOfMessage(Map.of()).verdict()).isEqualTo(expected);
        }
    }

    @Test
    void aConnectThatHangsTimesOut() throws Exception {
        // A listener whose accept queue is full: Linux drops further SYNs, so a connect hangs without any traffic
        // leaving the loopback interface.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                        queued.add(s);
                    } catch (IOException e) {
                        s.close();
                        break;
                    }
                }
                long start = System.nanoTime();
                try (MilterSession session = open("inet:127.0.0.1:" + full.getLocalPort(), DefaultAction.TEMPFAIL)) {
                    assertThat(session.failed()).isTrue();
                    assertThat(session.connect()).isEqualTo(Verdict.TEMPFAIL);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.multipliedBy(3));
            } finally {
                for (Socket s : queued) s.close();
            }
        }
    }

    @Test
    void theDefaultTempfailIsPostfixs451() throws Exception {
        try (MilterSession session = open("inet:127.0.0.1:" + PythonMilter.freePort(), DefaultAction.TEMPFAIL)) {
            assertThat(session.endOfMessage(Map.of()).reply().orElseThrow().wireLines())
                    .containsExactly("451 4.7.1 Service unavailable - try again later");
        }
    }

    @Test
    void aSilentFilterTimesOutInNegotiation() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.read();
            peer.drain();
        })) {
            long start = System.nanoTime();
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                assertThat(session.failed()).isTrue();
                assertThat(session.connect()).isEqualTo(Verdict.TEMPFAIL);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.multipliedBy(3));
        }
    }

    /** Replies that break the protocol, each answered by the default action (tempfail here). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # the length field: zero, beyond 64 KiB plus slack, negative as an int
            00000000                     | connect
            7fffffff4f                   | connect
            00011001ff                   | connect
            ffffffff                     | connect
            # a reply the protocol does not know
            000000015a                   | connect
            # data after a reply that has none
            0000000263ff                 | connect
            # a reply code that is not 4xx/5xx, or lacks its NUL
            00000009793235302062616400   | connect
            000000087935353020626164     | connect
            # skip outside the body; a header change before end of message
            0000000173                   | connect
            000000056841004200           | connect
            # option negotiation again
            0000000d4f000000060000000000000000 | connect
            # refused actions at end of message: add/delete recipient, replace body, change sender
            000000062b3c613e00           | eom
            000000062d3c613e00           | eom
            000000036278                 | eom
            000000066500                 | eom
            # SMFIR_SETSYMLIST outside negotiation
            000000036c00                 | eom
            """)
    void aBrokenReplyGivesTheDefault(String hex, String stage) throws Exception {
        byte[] raw = HexFormat.of().parseHex(hex.strip());
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(OFFERED_ACTIONS, 0);
            peer.readUntil('C');
            if (stage.equals("eom")) {
                peer.send('c');
                peer.readUntil('E');
            }
            peer.sendRaw(raw);
            // At end of message a final accept follows, which must not make the refused action pass.
            if (stage.equals("eom")) peer.send('a');
            peer.drain();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                Verdict connect = session.connect();
                if (stage.equals("connect")) {
                    assertThat(connect).isEqualTo(Verdict.TEMPFAIL);
                } else {
                    assertThat(connect).isEqualTo(Verdict.CONTINUE);
                    assertThat(session.endOfMessage(Map.of()).verdict()).isEqualTo(Verdict.TEMPFAIL);
                }
                assertThat(session.failed()).isTrue();
                assertThat(session.helo("again.example", Map.of())).isEqualTo(Verdict.TEMPFAIL);
            }
        }
    }

    @Test
    void aFilterClosingMidConversationGivesTheDefault() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(OFFERED_ACTIONS, 0);
            peer.readUntil('C');
            peer.send('c');
            peer.readUntil('H');
            peer.close();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                assertThat(session.connect()).isEqualTo(Verdict.CONTINUE);
                assertThat(session.helo("client.example", Map.of())).isEqualTo(Verdict.TEMPFAIL);
                assertThat(session.failed()).isTrue();
                assertThat(session.mail("a@b.example", List.of(), Map.of())).isEqualTo(Verdict.TEMPFAIL);
            }
        }
    }

    @Test
    void aFilterAskingForStepsNotOfferedIsRefused() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(F_ADDHDRS, P_RCPT_REJ);
            peer.drain();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.ACCEPT)) {
                assertThat(session.failed()).isTrue();
                assertThat(session.connect()).isEqualTo(Verdict.ACCEPT);
            }
        }
    }

    @Test
    void anEndOfMessageWithoutAnswerTimesOut() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(OFFERED_ACTIONS, P_NOCONNECT | P_NOHELO | P_NOMAIL | P_NORCPT | P_NOHDRS | P_NOEOH | P_NOBODY | P_NODATA);
            peer.readUntil('E');
            peer.drain();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                long start = System.nanoTime();
                assertThat(session.endOfMessage(Map.of()).verdict()).isEqualTo(Verdict.TEMPFAIL);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.multipliedBy(3));
            }
        }
    }

    @Test
    void progressRestartsTheContentTimeout() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(OFFERED_ACTIONS, P_NOCONNECT);
            peer.readUntil('E');
            for (int i = 0; i < 4; i++) {
                // A filter busy scanning: the delay is the behaviour under test (0.4 s each, 1.6 s against a 1 s timeout).
                Thread.sleep(400);
                peer.send('p');
            }
            peer.send('h', "X-Scanned\0yes\0".getBytes(StandardCharsets.US_ASCII));
            peer.send('a');
            peer.drain();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                MilterOutcome outcome = session.endOfMessage(Map.of());
                assertThat(session.failed()).isFalse();
                assertThat(outcome.verdict()).isEqualTo(Verdict.ACCEPT);
                assertThat(outcome.headerChanges()).containsExactly(new HeaderChange.Add("X-Scanned", "yes"));
            }
        }
    }

    @Test
    void aFilterThatStopsReadingCannotBlockTheBody() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(OFFERED_ACTIONS, P_NOCONNECT | P_NR_BODY);
            peer.hang();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                byte[] body = new byte[64 << 20];
                long start = System.nanoTime();
                assertThat(session.body(body, 0, body.length)).isEqualTo(Verdict.TEMPFAIL);
                assertThat(session.failed()).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(5));
            }
        }
    }

    @Test
    void shutdownTempfailsTheRestOfTheConnectionWithoutFailing() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(OFFERED_ACTIONS, 0);
            peer.readUntil('C');
            peer.send('4');
            peer.drain();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.ACCEPT)) {
                assertThat(session.connect()).isEqualTo(Verdict.TEMPFAIL);
                assertThat(session.mail("a@b.example", List.of(), Map.of())).isEqualTo(Verdict.TEMPFAIL);
                assertThat(session.failed()).isFalse();
            }
        }
    }

    @Test
    void skippedStepsAreNotSentAndNoReplyStepsAreNotAwaited() throws Exception {
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(OFFERED_ACTIONS, P_NR_CONN | P_NOHELO | P_NR_MAIL | P_NORCPT | P_NODATA | P_NR_HDR | P_NOEOH | P_NOBODY);
            peer.readUntil('E');
            peer.send('c');
            peer.drain();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                assertThat(session.connect()).isEqualTo(Verdict.CONTINUE);
                assertThat(session.helo("client.example", Map.of())).isEqualTo(Verdict.CONTINUE);
                assertThat(session.mail("a@b.example", List.of("BODY=8BITMIME"), Map.of())).isEqualTo(Verdict.CONTINUE);
                assertThat(session.rcpt("c@d.example", List.of(), Map.of())).isEqualTo(Verdict.CONTINUE);
                assertThat(session.data(Map.of())).isEqualTo(Verdict.CONTINUE);
                assertThat(session.header("Subject", "  hello\r\n folded\r\n")).isEqualTo(Verdict.CONTINUE);
                assertThat(session.endOfHeaders(Map.of())).isEqualTo(Verdict.CONTINUE);
                assertThat(session.body(new byte[] {'x'}, 0, 1)).isEqualTo(Verdict.CONTINUE);
                assertThat(session.endOfMessage(Map.of()).verdict()).isEqualTo(Verdict.ACCEPT);
            }
            List<MilterPacket> received = filter.received();
            assertThat(received.stream().map(p -> String.valueOf((char) p.command()))).containsExactly("O", "D", "C", "M", "L", "E", "Q");
            assertThat(new String(received.get(3).data(), StandardCharsets.UTF_8)).isEqualTo("<a@b.example>\0BODY=8BITMIME\0");
            // Without SMFIP_HDR_LEADSPC: no leading whitespace, folding as LF, no final line end.
            assertThat(new String(received.get(4).data(), StandardCharsets.UTF_8)).isEqualTo("Subject\0hello\n folded\0");
        }
    }

    @Test
    void macroListsFromNegotiationLimitTheMacrosSent() throws Exception {
        byte[] lists = ByteBuffer.allocate(4 + 14).putInt(0).put("{client_addr}\0".getBytes(StandardCharsets.US_ASCII)).array();
        try (FakeFilter filter = new FakeFilter(peer -> {
            peer.negotiate(F_SETSYMLIST, 0, lists);
            peer.readUntil('C');
            peer.send('c');
            peer.drain();
        })) {
            try (MilterSession session = open(filter.address(), DefaultAction.TEMPFAIL)) {
                assertThat(session.connect()).isEqualTo(Verdict.CONTINUE);
            }
            MilterPacket macros = filter.received().get(1);
            assertThat(new String(macros.data(), StandardCharsets.UTF_8)).isEqualTo("C{client_addr}\0" + "2001:db8::1\0");
            MilterPacket connect = filter.received().get(2);
            assertThat(connect.data()).isEqualTo(("client.example\0" + "6\u0009\u00dd2001:db8::1\0").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static MilterSession open(String address, DefaultAction action) {
        MilterSettings settings = MilterSettings.of("fake", address).withTimeouts(TIMEOUT, TIMEOUT, TIMEOUT).withDefaultAction(action);
        return new MilterClient(settings).open(INFO, "fault-test");
    }
}
