package dev.tern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import dev.tern.sasl.ChannelBinding;
import dev.tern.testbase.ScramClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Pop3SessionTest {
    static final Mailbox ALICE = Mailbox.of("alice", "local.test");
    static final String FIRST = "Subject: one\r\n\r\nHello\r\n.hidden dot\r\n";
    static final String SECOND = "Subject: two\r\nFrom: b@c.test\r\n\r\nl1\r\nl2\r\nl3\r\n";

    private final MemoryStore store = new MemoryStore();
    private final MaildropLocks locks = new MaildropLocks();

    @BeforeEach
    void twoMessages() {
        store.deliver(ALICE, FIRST);
        store.deliver(ALICE, SECOND);
    }

    private Pop3Session session(boolean stls, boolean implicitTls, boolean plaintext) {
        return session(stls, implicitTls, plaintext, Pop3Profile.DEFAULT_MAX_ERRORS);
    }

    private Pop3Session session(boolean stls, boolean implicitTls, boolean plaintext, int maxErrors) {
        return new Pop3Session(new Pop3Profile(stls, implicitTls, plaintext, new TableCredentials(),
                Pop3SessionTest::mailbox, maxErrors), store, locks);
    }

    static Optional<Mailbox> mailbox(String name) {
        int at = name.lastIndexOf('@');
        return at > 0 ? Optional.of(Mailbox.of(name.substring(0, at), name.substring(at + 1))) : Optional.empty();
    }

    /** A session on a loopback connection, where plaintext login is allowed. */
    private Pop3Session loopback() {
        return session(true, false, true);
    }

    @Test
    void plaintextConnectionOffersStlsButNoLogin() {
        Pop3Session session = session(true, false, false);
        new Transcript(session).run("""
                S: +OK Tern POP3 server ready
                C: CAPA
                S: +OK capability list follows
                S: TOP
                S: UIDL
                S: RESP-CODES
                S: AUTH-RESP-CODE
                S: PIPELINING
                S: STLS
                S: IMPLEMENTATION Tern
                S: .
                C: USER alice@local.test
                S: -ERR USER needs TLS: send STLS first
                C: AUTH PLAIN
                S: -ERR AUTH needs TLS: send STLS first
                C: STLS
                S: +OK begin TLS negotiation
                """);
    }

    @Test
    void afterStlsLoginIsOfferedAndStlsIsNot() {
        Pop3Session session = session(true, false, false);
        Transcript transcript = new Transcript(session).run("""
                C: USER alice@local.test
                S: -ERR *
                C: STLS
                S: +OK *
                """);
        assertThat(transcript.next()).isEqualTo(Next.START_TLS);
        session.tlsStarted(new ChannelBinding.TlsExporter(new byte[32]));
        transcript.run("""
                C: CAPA
                S: +OK capability list follows
                S: TOP
                S: UIDL
                S: RESP-CODES
                S: AUTH-RESP-CODE
                S: PIPELINING
                S: USER
                S: SASL PLAIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS
                S: IMPLEMENTATION Tern
                S: .
                C: STLS
                S: -ERR TLS is already active
                C: PASS secret
                S: -ERR send USER first
                """);
    }

    @Test
    void implicitTlsNeverOffersStls() {
        new Transcript(session(false, true, false)).run("""
                C: STLS
                S: -ERR TLS is already active
                C: USER alice@local.test
                S: +OK send PASS
                C: PASS secret
                S: +OK logged in; maildrop has 2 messages (*
                """);
    }

    @Test
    void wholeTransactionDeletesOnlyInUpdate() throws Exception {
        long size1 = FIRST.length();
        long size2 = SECOND.length();
        new Transcript(loopback()).run("""
                C: user alice@local.test
                S: +OK send PASS
                C: pass secret
                S: +OK logged in; maildrop has 2 messages (%d octets)
                C: STAT
                S: +OK 2 %d
                C: LIST
                S: +OK 2 messages (%d octets)
                S: 1 %d
                S: 2 %d
                S: .
                C: LIST 2
                S: +OK 2 %d
                C: LIST 3
                S: -ERR no such message
                C: UIDL
                S: +OK unique-id listing follows
                S: 1 1700000000.1
                S: 2 1700000000.2
                S: .
                C: UIDL 2
                S: +OK 2 1700000000.2
                C: RETR 1
                S: +OK %d octets
                S: Subject: one
                S:\s
                S: Hello
                S: ..hidden dot
                S: .
                C: TOP 2 1
                S: +OK top of message follows
                S: Subject: two
                S: From: b@c.test
                S:\s
                S: l1
                S: .
                C: TOP 2 99999999999
                S: +OK top of message follows
                S: Subject: two
                S: From: b@c.test
                S:\s
                S: l1
                S: l2
                S: l3
                S: .
                C: RETR 99999999999
                S: -ERR no such message
                C: DELE 1
                S: +OK message 1 deleted
                C: DELE 1
                S: -ERR message 1 already deleted
                C: RETR 1
                S: -ERR message 1 already deleted
                C: STAT
                S: +OK 1 %d
                C: RSET
                S: +OK maildrop has 2 messages (%d octets)
                C: DELE 2
                S: +OK message 2 deleted
                C: NOOP
                S: +OK
                C: LIST
                S: +OK 1 messages (%d octets)
                S: 1 %d
                S: .
                C: QUIT
                S: +OK Tern POP3 server signing off (1 deleted)
                """.formatted(size1 + size2, size1 + size2, size1 + size2, size1, size2, size2, size1, size2,
                size1 + size2, size1, size1));
        assertThat(store.inbox(ALICE).expunged()).containsExactly(2L);
        assertThat(locks.isLocked(ALICE)).isFalse();
    }

    @Test
    void droppedConnectionDeletesNothingAndReleasesTheLock() throws Exception {
        Pop3Session session = loopback();
        new Transcript(session).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: +OK *
                C: DELE 1
                S: +OK *
                """);
        assertThat(locks.isLocked(ALICE)).isTrue();
        session.close();
        assertThat(locks.isLocked(ALICE)).isFalse();
        assertThat(store.inbox(ALICE).expunged()).isEmpty();
    }

    @Test
    void secondSessionOfOneUserFindsTheMaildropInUse() {
        new Transcript(loopback()).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: +OK *
                """);
        Pop3Session second = loopback();
        new Transcript(second).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: -ERR [IN-USE] maildrop already locked by another session
                C: STAT
                S: -ERR log in first (USER and PASS, or AUTH)
                """);
        assertThat(second.state()).isEqualTo(Pop3Session.State.AUTHORIZATION);
    }

    @Test
    void wrongPasswordIsAuthAndThrottlingIsLoginDelay() {
        new Transcript(loopback()).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS wrong
                S: -ERR [AUTH] authentication failed
                C: USER nobody@local.test
                S: +OK *
                C: PASS secret
                S: -ERR [AUTH] authentication failed
                C: USER slow@local.test
                S: +OK *
                C: PASS x
                S: -ERR [LOGIN-DELAY] too many failed logins; try again later
                C: USER bob@local.test
                S: +OK *
                C: PASS pass word
                S: +OK logged in; maildrop has 0 messages (0 octets)
                """);
    }

    @Test
    void authPlainWithAndWithoutInitialResponse() {
        String response = ScramClient.base64("\0alice@local.test\0secret");
        new Transcript(loopback()).run("""
                C: AUTH
                S: +OK SASL mechanisms follow
                S: PLAIN
                S: SCRAM-SHA-256
                S: .
                C: AUTH PLAIN
                S: +\s
                C: *
                S: -ERR authentication cancelled
                C: AUTH LOGIN
                S: -ERR unsupported SASL mechanism
                C: AUTH SCRAM-SHA-256-PLUS
                S: -ERR unsupported SASL mechanism
                C: AUTH PLAIN not-base64!
                S: -ERR initial response is not base64
                C: AUTH PLAIN
                S: +\s
                C: %s
                S: -ERR [AUTH] authentication failed
                C: AUTH plain %s
                S: +OK logged in; maildrop has 2 messages *
                C: AUTH PLAIN
                S: -ERR already logged in
                """.formatted(ScramClient.base64("\0alice@local.test\0wrong"), response));
    }

    @Test
    void scramSha256PlusBindsToTheTlsExporter() {
        byte[] exporter = "exporter-octets-for-this-session".getBytes(StandardCharsets.US_ASCII);
        Pop3Session session = session(false, true, false);
        session.tlsStarted(new ChannelBinding.TlsExporter(exporter));
        ScramClient client = new ScramClient("alice@local.test", "secret", "clientnonce", "p=tls-exporter,,", exporter);
        Step first = session.command(("AUTH SCRAM-SHA-256-PLUS " + ScramClient.base64(client.first())).getBytes(StandardCharsets.US_ASCII));
        assertThat(first.next()).isEqualTo(Next.AUTH_RESPONSE);
        String serverFirst = ScramClient.decode(((Response.Challenge) first.response()).base64());
        Step second = session.authResponse(ScramClient.base64(client.last(serverFirst)).getBytes(StandardCharsets.US_ASCII));
        assertThat(ScramClient.decode(((Response.Challenge) second.response()).base64())).isEqualTo(client.expectedServerFinal());
        Step done = session.authResponse(new byte[0]);
        assertThat(done.response()).isInstanceOf(Response.Ok.class);
        assertThat(session.user()).contains("alice@local.test");
        assertThat(session.state()).isEqualTo(Pop3Session.State.TRANSACTION);
    }

    @Test
    void scramWithAWrongPasswordFailsAtTheProof() {
        Pop3Session session = loopback();
        ScramClient client = new ScramClient("alice@local.test", "wrong", "clientnonce");
        Step first = session.command("AUTH SCRAM-SHA-256".getBytes(StandardCharsets.US_ASCII));
        assertThat(first.response()).isEqualTo(new Response.Challenge(""));
        Step challenge = session.authResponse(ScramClient.base64(client.first()).getBytes(StandardCharsets.US_ASCII));
        String serverFirst = ScramClient.decode(((Response.Challenge) challenge.response()).base64());
        Step failed = session.authResponse(ScramClient.base64(client.last(serverFirst)).getBytes(StandardCharsets.US_ASCII));
        assertThat(failed).isEqualTo(new Step(AuthExchange.FAILED, Next.COMMAND));
    }

    @Test
    void messageNumbersStayFixedForTheSession() throws Exception {
        Pop3Session session = loopback();
        Transcript transcript = new Transcript(session).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: +OK logged in; maildrop has 2 messages *
                """);
        store.deliver(ALICE, "Subject: three\n\nlate\n");
        store.inbox(ALICE).expunge(List.of(1L));
        transcript.run("""
                C: STAT
                S: +OK 2 *
                C: RETR 1
                S: -ERR message 1 was removed by another session
                C: TOP 2 0
                S: +OK top of message follows
                S: Subject: two
                S: From: b@c.test
                S:\s
                S: .
                C: RETR 3
                S: -ERR no such message
                C: QUIT
                S: +OK Tern POP3 server signing off
                """);
        new Transcript(loopback()).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: +OK logged in; maildrop has 2 messages *
                C: UIDL
                S: +OK unique-id listing follows
                S: 1 1700000000.2
                S: 2 1700000000.3
                S: .
                """);
    }

    @Test
    void storeTroubleIsSysTemp() {
        store.failing = true;
        Pop3Session session = loopback();
        new Transcript(session).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: -ERR [SYS/TEMP] mailbox unavailable; try again later
                """);
        assertThat(locks.isLocked(ALICE)).isFalse();
        store.failing = false;
        Transcript transcript = new Transcript(session).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: +OK *
                C: DELE 2
                S: +OK *
                """);
        store.failing = true;
        transcript.run("""
                C: RETR 1
                S: -ERR [SYS/TEMP] cannot read message 1 now; try again later
                C: QUIT
                S: -ERR [SYS/TEMP] deleted messages not removed; they are still there
                """);
        assertThat(transcript.next()).isEqualTo(Next.CLOSE);
        assertThat(locks.isLocked(ALICE)).isFalse();
    }

    @Test
    void tooManyErrorsClose() {
        Transcript transcript = new Transcript(session(true, false, true, 5)).run("""
                C: FOO
                S: -ERR unknown command
                C: STAT
                S: -ERR log in first (USER and PASS, or AUTH)
                C: RETR x
                S: -ERR RETR needs one message number
                C: PASS x
                S: -ERR send USER first
                C: APOP a b
                S: -ERR unknown command; too many errors, closing
                """);
        assertThat(transcript.next()).isEqualTo(Next.CLOSE);
    }

    @Test
    void overlongLinesAreErrors() {
        Pop3Session session = loopback();
        assertThat(session.lineTooLong()).isEqualTo(new Step(new Response.Err("command line too long"), Next.COMMAND));
        session.command("AUTH PLAIN".getBytes(StandardCharsets.US_ASCII));
        assertThat(session.lineTooLong()).isEqualTo(new Step(new Response.Err("authentication response too long"), Next.COMMAND));
        assertThat(session.command("NOOP".getBytes(StandardCharsets.US_ASCII)).response())
                .isEqualTo(new Response.Err("log in first (USER and PASS, or AUTH)"));
    }

    @Test
    void stlsOnlyBeforeLoginAndQuitBeforeLoginJustCloses() {
        Transcript transcript = new Transcript(loopback()).run("""
                C: USER alice@local.test
                S: +OK *
                C: PASS secret
                S: +OK *
                C: STLS
                S: -ERR STLS only before login
                C: USER alice@local.test
                S: -ERR already logged in
                C: CAPA
                S: +OK capability list follows
                S: TOP
                S: UIDL
                S: RESP-CODES
                S: AUTH-RESP-CODE
                S: PIPELINING
                S: IMPLEMENTATION Tern
                S: .
                """);
        assertThat(transcript.next()).isEqualTo(Next.COMMAND);
        Transcript other = new Transcript(session(true, false, false)).run("C: QUIT\nS: +OK Tern POP3 server signing off");
        assertThat(other.next()).isEqualTo(Next.CLOSE);
    }
}
