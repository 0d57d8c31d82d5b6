package dev.tern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tern's client against real milters: pymilter over Sendmail's libmilter, the library rspamd's peers use. */
class MilterPythonTest {
    @TempDir
    static Path dir;
    private static PythonMilter full;
    private static PythonMilter noBody;

    @BeforeAll
    static void start() throws Exception {
        PythonMilter.require();
        full = PythonMilter.start(dir, "full");
        noBody = PythonMilter.start(dir, "nobody");
    }

    @AfterAll
    static void stop() throws Exception {
        if (full != null) full.close();
        if (noBody != null) noBody.close();
    }

    @Test
    void acceptsAndAddsHeadersAfterSeeingTheWholeTransaction() {
        try (MilterSession session = open(full, "addheader")) {
            assertThat(session.connect()).isEqualTo(Verdict.CONTINUE);
            MilterOutcome outcome = transaction(session, "Hello\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(outcome.verdict()).isEqualTo(Verdict.ACCEPT);
            assertThat(outcome.headerChanges()).hasSize(3);
            assertThat(outcome.headerChanges().get(0)).isEqualTo(new HeaderChange.Add("X-Spam-Score", "1.5"));
            assertThat(outcome.headerChanges().get(1)).isEqualTo(new HeaderChange.Insert(0, "X-Top", "first"));
            assertThat(outcome.headerChanges().get(2).value()).isEqualTo(
                    "helo=client.example mail=<a@sender.example> SIZE=10 rcpts=<b@example.test>,<c@example.test>"
                            + " headers=Subject,From chunks=1 bytes=7 queue=QID1 client=192.0.2.1");
            assertThat(session.failed()).isFalse();
        }
    }

    @Test
    void oneSessionCarriesSeveralTransactionsAndAbortStartsAfresh() {
        try (MilterSession session = open(full, "addheader")) {
            session.connect();
            session.helo("client.example", Map.of());
            session.mail("first@sender.example", List.of(), Map.of());
            session.rcpt("x@example.test", List.of(), Map.of());
            session.abort();
            MilterOutcome second = transaction(session, "Hi\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(second.headerChanges().get(2).value()).contains("mail=<a@sender.example> SIZE=10", "rcpts=<b@example.test>,<c@example.test> ");
            MilterOutcome third = transaction(session, "Hi again\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(third.verdict()).isEqualTo(Verdict.ACCEPT);
            assertThat(third.headerChanges().get(2).value()).contains("bytes=10");
        }
    }

    @Test
    void rejectsOneRecipientAndKeepsTheMessage() {
        try (MilterSession session = open(full, "rejectrcpt")) {
            session.connect();
            session.helo("client.example", Map.of());
            assertThat(session.mail("a@sender.example", List.of(), Map.of())).isEqualTo(Verdict.CONTINUE);
            assertThat(session.rcpt("bad@example.test", List.of(), Map.of()))
                    .isEqualTo(new Verdict.Reject(new SmtpReply(550, "5.7.1", List.of("Command rejected"))));
            assertThat(session.rcpt("good@example.test", List.of(), Map.of())).isEqualTo(Verdict.CONTINUE);
            session.header("Subject", " x");
            session.endOfHeaders(Map.of());
            session.body(new byte[] {'x', '\r', '\n'}, 0, 3);
            MilterOutcome outcome = session.endOfMessage(Map.of());
            assertThat(outcome.verdict()).isEqualTo(Verdict.ACCEPT);
            assertThat(outcome.headerChanges().getFirst().value()).contains("rcpts=<good@example.test> ");
        }
    }

    @Test
    void rejectsAtEndOfMessageWithItsOwnMultiLineReply() {
        try (MilterSession session = open(full, "replycode")) {
            session.connect();
            MilterOutcome outcome = transaction(session, "spam\r\n".getBytes(StandardCharsets.US_ASCII));
            SmtpReply reply = new SmtpReply(550, "5.7.0", List.of("Message refused by policy", "Contact your postmaster"));
            assertThat(outcome.verdict()).isEqualTo(new Verdict.Reject(reply));
            assertThat(outcome.reply()).contains(reply);
            assertThat(reply.wireLines()).containsExactly("550-5.7.0 Message refused by policy", "550 5.7.0 Contact your postmaster");
            assertThat(outcome.headerChanges()).isEmpty();
        }
    }

    @Test
    void tempfailsAtMailAndHoldsItForTheMessage() {
        try (MilterSession session = open(full, "tempfail")) {
            session.connect();
            assertThat(session.mail("a@sender.example", List.of(), Map.of())).isEqualTo(Verdict.TEMPFAIL);
            assertThat(session.rcpt("b@example.test", List.of(), Map.of())).isEqualTo(Verdict.TEMPFAIL);
            assertThat(session.endOfMessage(Map.of()).reply())
                    .contains(new SmtpReply(451, "4.7.1", List.of("Service unavailable - try again later")));
            assertThat(session.failed()).isFalse();
        }
    }

    @Test
    void quarantines() {
        try (MilterSession session = open(full, "quarantine")) {
            session.connect();
            MilterOutcome outcome = transaction(session, "x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(outcome.verdict()).isEqualTo(Verdict.ACCEPT);
            assertThat(outcome.quarantine()).contains("looks phishy");
        }
    }

    @Test
    void discards() {
        try (MilterSession session = open(full, "discard")) {
            session.connect();
            assertThat(transaction(session, "x\r\n".getBytes(StandardCharsets.US_ASCII)).verdict()).isEqualTo(Verdict.DISCARD);
        }
    }

    @Test
    void progressKeepsTheEndOfMessageAlive() {
        try (MilterSession session = open(full, "progress")) {
            session.connect();
            assertThat(transaction(session, "x\r\n".getBytes(StandardCharsets.US_ASCII)).verdict()).isEqualTo(Verdict.ACCEPT);
        }
    }

    @Test
    void changesAndDeletesHeadersWhichApplyToTheSection() {
        try (MilterSession session = open(full, "chgheader")) {
            session.connect();
            MilterOutcome outcome = transaction(session, "x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(outcome.headerChanges()).containsExactly(
                    new HeaderChange.Change("Subject", 1, "changed subject"),
                    new HeaderChange.Change("X-Remove", 1, ""),
                    new HeaderChange.Change("Received", 2, "by changed.test"));
            HeaderSection section = new HeaderSection(List.of(
                    new HeaderSection.Field("Received", "Received: by one.test\r\n"),
                    new HeaderSection.Field("Received", "Received: by two.test\r\n"),
                    new HeaderSection.Field("Subject", "Subject: old\r\n"),
                    new HeaderSection.Field("X-Remove", "X-Remove: me\r\n")));
            assertThat(section.apply(outcome.headerChanges()).fields().stream().map(HeaderSection.Field::raw))
                    .containsExactly("Received: by one.test\r\n", "Received: by changed.test\r\n", "Subject: changed subject\r\n");
        }
    }

    @Test
    void skipEndsTheBodyAfterTheFirstChunk() {
        try (MilterSession session = open(full, "skip")) {
            session.connect();
            byte[] body = new byte[200_000];
            Arrays.fill(body, (byte) 'a');
            MilterOutcome outcome = transaction(session, body);
            assertThat(outcome.headerChanges().getFirst().value()).contains("chunks=1 bytes=65535 ");
        }
    }

    @Test
    void bodyGoesInChunksOfAtMost65535Bytes() {
        try (MilterSession session = open(full, "count")) {
            session.connect();
            byte[] body = new byte[200_000];
            Arrays.fill(body, (byte) 'a');
            MilterOutcome outcome = transaction(session, body);
            assertThat(outcome.headerChanges().getFirst().value()).contains("chunks=4 bytes=200000 ");
        }
    }

    @Test
    void aFilterThatAsksForNoBodyGetsNone() {
        try (MilterSession session = open(noBody, "count")) {
            session.connect();
            MilterOutcome outcome = transaction(session, "some body\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(outcome.headerChanges().getFirst().value()).contains("chunks=0 bytes=0 ");
        }
    }

    @Test
    void speaksOverAUnixSocket() throws Exception {
        try (PythonMilter unix = PythonMilter.start(dir, "full", dir.resolve("milter.sock"))) {
            try (MilterSession session = open(unix, "addheader")) {
                assertThat(session.connect()).isEqualTo(Verdict.CONTINUE);
                MilterOutcome outcome = transaction(session, "Hello\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(outcome.headerChanges()).startsWith(new HeaderChange.Add("X-Spam-Score", "1.5"));
            }
        }
    }

    private static MilterSession open(PythonMilter milter, String mode) {
        MilterSettings settings = MilterSettings.of("py-" + mode, milter.address())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5));
        ConnectInfo info = new ConnectInfo(mode + ".test", ConnectInfo.Family.INET4, "192.0.2.1", 40000,
                Map.of("j", "mx.tern.test", "{daemon_name}", "tern", "{client_addr}", "192.0.2.1", "{client_name}", mode + ".test"));
        return new MilterClient(settings).open(info, "test-" + mode);
    }

    /** One whole transaction, as the content stage drives it. */
    private static MilterOutcome transaction(MilterSession session, byte[] body) {
        assertThat(session.helo("client.example", Map.of())).isEqualTo(Verdict.CONTINUE);
        Verdict mail = session.mail("a@sender.example", List.of("SIZE=10"), Map.of("{mail_addr}", "a@sender.example"));
        if (!(mail instanceof Verdict.Continue)) return session.endOfMessage(Map.of());
        session.rcpt("b@example.test", List.of(), Map.of("{rcpt_addr}", "b@example.test"));
        session.rcpt("c@example.test", List.of(), Map.of("{rcpt_addr}", "c@example.test"));
        session.data(Map.of());
        session.header("Subject", " test\r\n");
        session.header("From", " <a@sender.example>");
        session.endOfHeaders(Map.of());
        session.body(body, 0, body.length);
        return session.endOfMessage(Map.of("{i}", "QID1"));
    }
}
