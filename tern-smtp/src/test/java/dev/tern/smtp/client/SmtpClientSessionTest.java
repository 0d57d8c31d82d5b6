package dev.tern.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Domain;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmtpClientSessionTest {
    static final Domain HELO = Domain.parse("client.example");
    static final ClientSettings MX = ClientSettings.of(HELO);
    static final ContentFacts SMALL = new ContentFacts(100, false, 20);
    static final String EHLO_PIPELINING = """
        S: 220 mx.example ESMTP
        C: EHLO client.example
        S: 250-mx.example
        S: 250-PIPELINING
        S: 250-SIZE 10000
        S: 250 ENHANCEDSTATUSCODES
        """;
    static final String EHLO_LOCKSTEP = """
        S: 220 mx.example ESMTP
        C: EHLO client.example
        S: 250-mx.example
        S: 250 SIZE 10000
        """;

    static Mailbox box(String text) {
        int at = text.lastIndexOf('@');
        return Mailbox.of(text.substring(0, at), text.substring(at + 1));
    }

    static Dialog.Message message(String from, String... to) {
        return message(MailOptions.NONE, SMALL, from, Arrays.stream(to).map(t -> Recipient.of(box(t))).toList());
    }

    static Dialog.Message message(MailOptions options, ContentFacts content, String from, List<Recipient> to) {
        ReversePath path = from.isEmpty() ? ReversePath.NULL : ReversePath.of(box(from));
        return new Dialog.Message(new Envelope(path, to, options), content);
    }

    static Dialog play(ClientSettings settings, List<Dialog.Message> messages, String script) {
        Dialog dialog = Dialog.run(settings, messages, script);
        assertThat(dialog.transcript).containsExactlyElementsOf(Dialog.directives(script));
        return dialog;
    }

    /** "Kind mailbox code status" per recipient. */
    static List<String> described(TransactionOutcome outcome) {
        List<String> out = new ArrayList<>();
        for (RcptOutcome o : outcome.recipients()) {
            out.add(o.getClass().getSimpleName() + " " + o.recipient().mailbox() + " " + o.reply().code() + " " + o.status()
                    + (o.fromServer() ? "" : " (local)"));
        }
        return out;
    }

    // RFC 2920 §3.1: MAIL, every RCPT and DATA in one batch; one reply per command, in order.
    @Test
    void pipeliningSendsOneBatchAndOneRecipientOfThreeFails() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example", "x@d.example", "e@d.example")), EHLO_PIPELINING + """
            C: MAIL FROM:<a@b.example> SIZE=100
            C: RCPT TO:<c@d.example>
            C: RCPT TO:<x@d.example>
            C: RCPT TO:<e@d.example>
            C: DATA
            S: 250 2.1.0 Ok
            S: 250 2.1.5 Ok
            S: 550 5.1.1 No such user
            S: 250 2.1.5 Ok
            S: 354 Go ahead
            C: <body>
            S: 250 2.0.0 Ok: queued as 12345
            C: QUIT
            """);
        assertThat(d.steps).filteredOn(step -> !step.lines().isEmpty()).extracting(step -> step.lines().size())
                .containsExactly(1, 5, 1); // EHLO, the batch, QUIT
        assertThat(described(d.outcomes.getFirst())).containsExactly(
                "Delivered c@d.example 250 2.0.0", "Failed x@d.example 550 5.1.1", "Delivered e@d.example 250 2.0.0");
        assertThat(d.ending).isEqualTo(new Ending.Quit());
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example", "x@d.example")), EHLO_LOCKSTEP + """
            C: MAIL FROM:<a@b.example> SIZE=100
            S: 250 2.1.0 Ok
            C: RCPT TO:<c@d.example>
            S: 250 2.1.5 Ok
            C: RCPT TO:<x@d.example>
            S: 450 4.2.0 Mailbox busy
            C: DATA
            S: 354 Go ahead
            C: <body>
            S: 250 2.0.0 Ok
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly(
                "Delivered c@d.example 250 2.0.0", "Deferred x@d.example 450 4.2.0");
    }

    // RFC 5321 §3.2: an old server that does not know EHLO; then no extensions, no parameters.
    @Test
    void ehloRefusedFallsBackToHelo() {
        var eightBitDeclared = new MailOptions(0, MailOptions.Body.SEVEN_BIT, false, MailOptions.Ret.FULL, "env1");
        Dialog d = play(MX, List.of(message(eightBitDeclared, SMALL, "a@b.example", List.of(Recipient.of(box("c@d.example"))))), """
            S: 220 old.example
            C: EHLO client.example
            S: 502 Command not implemented
            C: HELO client.example
            S: 250 old.example
            C: MAIL FROM:<a@b.example>
            S: 250 Ok
            C: RCPT TO:<c@d.example>
            S: 250 Ok
            C: DATA
            S: 354 Go ahead
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Delivered c@d.example 250 2.0.0");
    }

    @Test
    void ehloRefusedOtherwiseEndsTheSession() {
        Dialog d = play(MX, List.of(), """
            S: 220 mx.example
            C: EHLO client.example
            S: 550 5.7.1 Go away
            C: QUIT
            """);
        assertThat(d.ending).isInstanceOf(Ending.Refused.class);
        assertThat(d.ending.siteFailure()).isTrue();
    }

    // RFC 5321 §3.1: 554 instead of 220 refuses the session; the client still says QUIT. 421 closes at once.
    @Test
    void refusedGreetingIsASiteFailure() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example")), """
            S: 554 5.7.1 No service
            C: QUIT
            """);
        assertThat(d.ending).isEqualTo(new Ending.Refused(Stage.GREETING, dev.tern.smtp.Reply.of(554, "5.7.1", "No service")));
        assertThat(d.ending.siteFailure()).isTrue();
        Dialog busy = play(MX, List.of(), "S: 421 4.3.2 Busy");
        assertThat(busy.ending).isInstanceOf(Ending.Refused.class);
    }

    // RFC 3207 §4.2: after the handshake the client forgets what it knew and says EHLO again.
    @Test
    void opportunisticTlsWhenOfferedThenEhloAgain() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example")), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250 STARTTLS
            C: STARTTLS
            S: 220 2.0.0 Ready to start TLS
            TLS
            C: EHLO client.example
            S: 250-mx.example
            S: 250 PIPELINING
            C: MAIL FROM:<a@b.example>
            C: RCPT TO:<c@d.example>
            C: DATA
            S: 250 Ok
            S: 250 Ok
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Delivered c@d.example 250 2.0.0");
    }

    @Test
    void opportunisticTlsRefusedGoesOnInPlaintext() {
        play(MX, List.of(), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250 STARTTLS
            C: STARTTLS
            S: 454 4.7.0 TLS not available
            C: QUIT
            """);
    }

    @Test
    void requiredTlsNotOfferedIsATemporarySiteFailure() {
        var required = new ClientSettings(HELO, TlsPolicy.REQUIRED, ClientAuth.NONE);
        Dialog d = play(required, List.of(message("a@b.example", "c@d.example")), EHLO_PIPELINING + "C: QUIT");
        assertThat(d.ending).isEqualTo(new Ending.Abandoned(Stage.STARTTLS, ClientReplies.TLS_NOT_OFFERED));
        assertThat(d.ending.siteFailure()).isTrue();
        assertThat(ClientReplies.TLS_NOT_OFFERED.code() / 100).isEqualTo(4);
    }

    @Test
    void requiredTlsRefusedOrFailedEndsTheSession() {
        var required = new ClientSettings(HELO, TlsPolicy.REQUIRED, ClientAuth.NONE);
        String offered = """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250 STARTTLS
            C: STARTTLS
            """;
        Dialog refused = play(required, List.of(), offered + "S: 454 4.7.0 No TLS\nC: QUIT");
        assertThat(refused.ending).isInstanceOf(Ending.Refused.class);
        Dialog failed = play(required, List.of(), offered + "S: 220 Go\nTLS FAILS");
        assertThat(failed.ending).isEqualTo(new Ending.Abandoned(Stage.STARTTLS, ClientReplies.TLS_FAILED));
    }

    @Test
    void disabledTlsNeverAsks() {
        var plaintext = new ClientSettings(HELO, TlsPolicy.DISABLED, ClientAuth.NONE);
        play(plaintext, List.of(), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250 STARTTLS
            C: QUIT
            """);
    }

    // RFC 4954 §4: AUTH PLAIN with an initial response, after TLS, and no EHLO after it.
    @Test
    void smartHostAuthAfterTlsWithoutEhloAfterAuth() {
        var smartHost = new ClientSettings(HELO, TlsPolicy.REQUIRED, ClientAuth.plain("user", "secret"));
        Dialog d = play(smartHost, List.of(message("a@b.example", "c@far.example")), """
            S: 220 relay.example
            C: EHLO client.example
            S: 250-relay.example
            S: 250 STARTTLS
            C: STARTTLS
            S: 220 Go
            TLS
            C: EHLO client.example
            S: 250-relay.example
            S: 250 AUTH PLAIN LOGIN
            C: AUTH PLAIN <redacted>
            S: 235 2.7.0 Authentication successful
            C: MAIL FROM:<a@b.example>
            S: 250 Ok
            C: RCPT TO:<c@far.example>
            S: 250 Ok
            C: DATA
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
        String auth = d.steps.stream().flatMap(s -> s.lines().stream()).filter(l -> l.startsWith("AUTH")).findFirst().orElseThrow();
        assertThat(auth).isEqualTo("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString("\0user\0secret".getBytes()));
        assertThat(smartHost.auth().toString()).doesNotContain("secret");
    }

    @Test
    void authRefusedOrImpossibleEndsTheSession() {
        var smartHost = new ClientSettings(HELO, TlsPolicy.OPPORTUNISTIC, ClientAuth.plain("user", "secret"));
        Dialog noTls = play(smartHost, List.of(), """
            S: 220 relay.example
            C: EHLO client.example
            S: 250-relay.example
            S: 250 AUTH PLAIN
            C: QUIT
            """);
        assertThat(noTls.ending).isEqualTo(new Ending.Abandoned(Stage.AUTH, ClientReplies.AUTH_NEEDS_TLS));
        Dialog refused = play(smartHost, List.of(), """
            S: 220 relay.example
            C: EHLO client.example
            S: 250-relay.example
            S: 250 STARTTLS
            C: STARTTLS
            S: 220 Go
            TLS
            C: EHLO client.example
            S: 250-relay.example
            S: 250 AUTH PLAIN
            C: AUTH PLAIN <redacted>
            S: 535 5.7.8 Authentication credentials invalid
            C: QUIT
            """);
        assertThat(refused.ending).isInstanceOf(Ending.Refused.class);
        assertThat(refused.ending.siteFailure()).isTrue();
    }

    // RFC 5321 §4.5.3.1.10: 452 too many recipients; the rest goes again at once in a new transaction.
    @Test
    void tooManyRecipientsSplitsIntoANewTransaction() {
        var first = message("a@b.example", "r1@d.example", "r2@d.example", "r3@d.example");
        var rest = message("a@b.example", "r2@d.example", "r3@d.example");
        Dialog d = play(MX, List.of(first, rest), EHLO_PIPELINING + """
            C: MAIL FROM:<a@b.example> SIZE=100
            C: RCPT TO:<r1@d.example>
            C: RCPT TO:<r2@d.example>
            C: RCPT TO:<r3@d.example>
            C: DATA
            S: 250 2.1.0 Ok
            S: 250 2.1.5 Ok
            S: 452 4.5.3 Too many recipients
            S: 452 4.5.3 Too many recipients
            S: 354 Go
            C: <body>
            S: 250 2.0.0 Ok
            C: RSET
            C: MAIL FROM:<a@b.example> SIZE=100
            C: RCPT TO:<r2@d.example>
            C: RCPT TO:<r3@d.example>
            C: DATA
            S: 250 2.0.0 Ok
            S: 250 2.1.0 Ok
            S: 250 2.1.5 Ok
            S: 250 2.1.5 Ok
            S: 354 Go
            C: <body>
            S: 250 2.0.0 Ok
            C: QUIT
            """);
        assertThat(described(d.outcomes.get(0))).containsExactly("Delivered r1@d.example 250 2.0.0",
                "OverLimit r2@d.example 452 4.5.3", "OverLimit r3@d.example 452 4.5.3");
        assertThat(d.outcomes.get(0).overLimit()).extracting(Recipient::mailbox).containsExactly(box("r2@d.example"), box("r3@d.example"));
        assertThat(described(d.outcomes.get(1))).containsOnly("Delivered r2@d.example 250 2.0.0", "Delivered r3@d.example 250 2.0.0");
    }

    @Test
    void lockStepStopsSendingRecipientsAfterTheLimitAndReadsRcpt552As452() {
        Dialog d = play(MX, List.of(message("a@b.example", "r1@d.example", "r2@d.example", "r3@d.example")), EHLO_LOCKSTEP + """
            C: MAIL FROM:<a@b.example> SIZE=100
            S: 250 Ok
            C: RCPT TO:<r1@d.example>
            S: 250 Ok
            C: RCPT TO:<r2@d.example>
            S: 552 5.5.3 Too many recipients
            C: DATA
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Delivered r1@d.example 250 2.0.0",
                "OverLimit r2@d.example 552 5.5.3", "OverLimit r3@d.example 552 5.5.3");
    }

    @Test
    void limitWithNothingAcceptedIsAPlainDeferral() {
        Dialog d = play(MX, List.of(message("a@b.example", "r1@d.example")), EHLO_LOCKSTEP + """
            C: MAIL FROM:<a@b.example> SIZE=100
            S: 250 Ok
            C: RCPT TO:<r1@d.example>
            S: 452 4.5.3 Too many recipients
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Deferred r1@d.example 452 4.5.3");
    }

    // RFC 5321 §3.3: no DATA when no RCPT was accepted; pipelined, the DATA is out already and refused.
    @Test
    void allRecipientsRefusedPipelinedThenTheNextMessageStartsWithRset() {
        Dialog d = play(MX, List.of(message("a@b.example", "x@d.example", "y@d.example"), message("a@b.example", "c@d.example")),
                EHLO_PIPELINING + """
            C: MAIL FROM:<a@b.example> SIZE=100
            C: RCPT TO:<x@d.example>
            C: RCPT TO:<y@d.example>
            C: DATA
            S: 250 Ok
            S: 550 5.1.1 No such user
            S: 550 5.1.1 No such user
            S: 554 5.5.1 No valid recipients
            C: RSET
            C: MAIL FROM:<a@b.example> SIZE=100
            C: RCPT TO:<c@d.example>
            C: DATA
            S: 250 Ok
            S: 250 Ok
            S: 250 Ok
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
        assertThat(described(d.outcomes.get(0))).containsExactly("Failed x@d.example 550 5.1.1", "Failed y@d.example 550 5.1.1");
        assertThat(described(d.outcomes.get(1))).containsExactly("Delivered c@d.example 250 2.0.0");
    }

    @Test
    void allRecipientsRefusedInLockStepSendsNoData() {
        Dialog d = play(MX, List.of(message("a@b.example", "x@d.example")), EHLO_LOCKSTEP + """
            C: MAIL FROM:<a@b.example> SIZE=100
            S: 250 Ok
            C: RCPT TO:<x@d.example>
            S: 550 5.1.1 No such user
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Failed x@d.example 550 5.1.1");
    }

    // mox: a server that says 354 though it accepted nobody gets an empty message to stay in step.
    @Test
    void dataAcceptedWithoutRecipientsIsEndedAtOnce() {
        Dialog d = play(MX, List.of(message("a@b.example", "x@d.example")), EHLO_PIPELINING + """
            C: MAIL FROM:<a@b.example> SIZE=100
            C: RCPT TO:<x@d.example>
            C: DATA
            S: 250 Ok
            S: 550 5.1.1 No such user
            S: 354 Go
            C: .
            S: 554 5.5.1 No valid recipients
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Failed x@d.example 550 5.1.1");
    }

    @Test
    void refusedMailFailsEveryRecipientWithItsReply() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example", "e@d.example")), EHLO_LOCKSTEP + """
            C: MAIL FROM:<a@b.example> SIZE=100
            S: 451 4.7.1 Greylisted, try again in 300 seconds
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Deferred c@d.example 451 4.7.1", "Deferred e@d.example 451 4.7.1");
    }

    // RFC 5321 §3.8: 421 closes the connection at once, even with pipelined replies outstanding.
    @Test
    void closingReplyMidTransactionDefersWhatIsUndecided() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example", "x@d.example", "e@d.example")), EHLO_PIPELINING + """
            C: MAIL FROM:<a@b.example> SIZE=100
            C: RCPT TO:<c@d.example>
            C: RCPT TO:<x@d.example>
            C: RCPT TO:<e@d.example>
            C: DATA
            S: 250 Ok
            S: 550 5.1.1 No such user
            S: 421 4.7.0 Too many errors, closing
            """);
        assertThat(d.ending).isEqualTo(new Ending.Refused(Stage.RCPT, dev.tern.smtp.Reply.of(421, "4.7.0", "Too many errors, closing")));
        assertThat(d.ending.siteFailure()).isFalse();
        assertThat(described(d.closingTransaction)).containsExactly(
                "Failed c@d.example 550 5.1.1", "Deferred x@d.example 421 4.7.0", "Deferred e@d.example 421 4.7.0");
    }

    @Test
    void connectionLostAfterTheDotDefersTheAcceptedRecipients() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example")), EHLO_LOCKSTEP + """
            C: MAIL FROM:<a@b.example> SIZE=100
            S: 250 Ok
            C: RCPT TO:<c@d.example>
            S: 250 Ok
            C: DATA
            S: 354 Go
            C: <body>
            LOST
            """);
        assertThat(d.ending).isEqualTo(new Ending.Abandoned(Stage.END_OF_DATA, ClientReplies.CONNECTION_LOST));
        assertThat(described(d.closingTransaction)).containsExactly("Deferred c@d.example 451 4.4.2 (local)");
    }

    @Test
    void malformedReplyAbandonsTheSession() {
        Dialog d = play(MX, List.of(), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 251 mixed codes
            """);
        assertThat(d.ending).isEqualTo(new Ending.Abandoned(Stage.HELLO, ClientReplies.MALFORMED_REPLY));
        assertThat(d.ending.siteFailure()).isTrue();
    }

    // Preconditions: nothing is sent for a message this server cannot take.
    @Test
    void messageOverTheServersSizeIsRefusedWithoutMail() {
        Dialog d = play(MX, List.of(message(MailOptions.NONE, new ContentFacts(10_001, false, 20), "a@b.example",
                List.of(Recipient.of(box("c@d.example")), Recipient.of(box("e@d.example"))))), EHLO_PIPELINING + "C: QUIT");
        assertThat(described(d.outcomes.getFirst())).containsExactly(
                "Failed c@d.example 552 5.3.4 (local)", "Failed e@d.example 552 5.3.4 (local)");
    }

    // RFC 6531 §3.2.
    @Test
    void utf8AddressToAServerWithoutSmtpUtf8IsRefused() {
        Dialog d = play(MX, List.of(message("a@b.example", "jörg@d.example")), EHLO_PIPELINING + "C: QUIT");
        assertThat(described(d.outcomes.getFirst())).containsExactly("Failed jörg@d.example 554 5.6.7 (local)");
    }

    @Test
    void utf8AddressGoesWithSmtpUtf8AndEightBitMime() {
        play(MX, List.of(message(MailOptions.NONE, new ContentFacts(100, true, 20), "jörg@b.example",
                List.of(Recipient.of(box("c@d.example"))))), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250-8BITMIME
            S: 250 SMTPUTF8
            C: MAIL FROM:<jörg@b.example> BODY=8BITMIME SMTPUTF8
            S: 250 Ok
            C: RCPT TO:<c@d.example>
            S: 250 Ok
            C: DATA
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
    }

    // RFC 8689 §4.2.1: REQUIRETLS only to a server that offers it, and then on the MAIL command.
    @Test
    void requireTlsMessageToAServerWithoutRequireTlsIsRefused() {
        Dialog d = play(MX, List.of(message(MailOptions.NONE.withRequireTls(true), SMALL, "a@b.example",
                List.of(Recipient.of(box("c@d.example"))))), EHLO_PIPELINING + "C: QUIT");
        assertThat(described(d.outcomes.getFirst())).containsExactly("Failed c@d.example 550 5.7.30 (local)");
    }

    @Test
    void requireTlsGoesOnTheMailCommand() {
        play(MX, List.of(message(MailOptions.NONE.withRequireTls(true), SMALL, "a@b.example",
                List.of(Recipient.of(box("c@d.example"))))), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250 REQUIRETLS
            C: MAIL FROM:<a@b.example> REQUIRETLS
            S: 250 Ok
            C: RCPT TO:<c@d.example>
            S: 250 Ok
            C: DATA
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
    }

    // RFC 6152 §3: no conversion yet, so 8-bit content to a server without 8BITMIME fails (5.6.3).
    @Test
    void eightBitContentToAServerWithout8BitMimeIsRefused() {
        Dialog d = play(MX, List.of(message(MailOptions.NONE, new ContentFacts(100, true, 20), "a@b.example",
                List.of(Recipient.of(box("c@d.example"))))), EHLO_PIPELINING + "C: QUIT");
        assertThat(described(d.outcomes.getFirst())).containsExactly("Failed c@d.example 554 5.6.3 (local)");
    }

    @Test
    void lineOverTheLimitIsRefusedWithoutMail() {
        Dialog d = play(MX, List.of(message(MailOptions.NONE, new ContentFacts(2000, false, 999), "a@b.example",
                List.of(Recipient.of(box("c@d.example"))))), EHLO_PIPELINING + "C: QUIT");
        assertThat(described(d.outcomes.getFirst())).containsExactly("Failed c@d.example 554 5.6.0 (local)");
    }

    // RFC 3461 §4: NOTIFY, ORCPT, RET and ENVID go on only to a server that offers DSN.
    @Test
    void dsnParametersOnlyWhenDsnIsOffered() {
        var options = new MailOptions(0, MailOptions.Body.UNSPECIFIED, false, MailOptions.Ret.HDRS, "q1+x");
        var to = List.of(new Recipient(box("c@d.example"), Set.of(Notify.SUCCESS, Notify.FAILURE), "rfc822;C@d.example"));
        var msg = message(options, SMALL, "a@b.example", to);
        Dialog withDsn = play(MX, List.of(msg), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250 DSN
            C: MAIL FROM:<a@b.example> RET=HDRS ENVID=q1+2Bx
            S: 250 Ok
            C: RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;C@d.example
            S: 250 Ok
            C: DATA
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
        assertThat(withDsn.outcomes.getFirst().dsnPassedOn()).isTrue();
        Dialog withoutDsn = play(MX, List.of(msg), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250 mx.example
            C: MAIL FROM:<a@b.example>
            S: 250 Ok
            C: RCPT TO:<c@d.example>
            S: 250 Ok
            C: DATA
            S: 354 Go
            C: <body>
            S: 250 Ok
            C: QUIT
            """);
        assertThat(withoutDsn.outcomes.getFirst().dsnPassedOn()).isFalse();
    }

    // RFC 3030 §2: with CHUNKING the message goes as one BDAT LAST chunk, after the RCPT replies.
    @Test
    void chunkingSendsBdatLastOfTheScannedSize() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example")), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250-PIPELINING
            S: 250 CHUNKING
            C: MAIL FROM:<a@b.example>
            C: RCPT TO:<c@d.example>
            S: 250 Ok
            S: 250 Ok
            C: BDAT 100 LAST
            C: <body>
            S: 250 2.0.0 Ok
            C: QUIT
            """);
        assertThat(d.steps).extracting(ClientStep::next).contains(new ClientNext.SendChunk(100));
        assertThat(described(d.outcomes.getFirst())).containsExactly("Delivered c@d.example 250 2.0.0");
    }

    @Test
    void refusedChunkFailsTheRecipients() {
        Dialog d = play(MX, List.of(message("a@b.example", "c@d.example")), """
            S: 220 mx.example
            C: EHLO client.example
            S: 250-mx.example
            S: 250 CHUNKING
            C: MAIL FROM:<a@b.example>
            S: 250 Ok
            C: RCPT TO:<c@d.example>
            S: 250 Ok
            C: BDAT 100 LAST
            C: <body>
            S: 554 5.6.0 Message contains bare CR or LF
            C: QUIT
            """);
        assertThat(described(d.outcomes.getFirst())).containsExactly("Failed c@d.example 554 5.6.0");
    }

    // RFC 2920 §3.1 and Postfix: pipelined batches stay under 4 KiB so neither side blocks.
    @Test
    void manyRecipientsGoInBatchesOfAtMost4KiB() {
        List<Recipient> many = new ArrayList<>();
        StringBuilder script = new StringBuilder(EHLO_PIPELINING);
        for (int i = 0; i < 100; i++) many.add(Recipient.of(box("recipient-with-a-long-name-" + i + "@destination.example")));
        Dialog d = Dialog.run(MX, List.of(message(MailOptions.NONE, SMALL, "a@b.example", many)), script
                + "S: 250 Ok\n" + "S: 250 Ok\n".repeat(100) + "S: 354 Go\nS: 250 Ok\n");
        List<ClientStep> batches = d.steps.stream().filter(s -> s.lines().size() > 1).toList();
        assertThat(batches).hasSizeGreaterThan(1);
        for (ClientStep batch : batches) assertThat(batch.wireBytes().length).isLessThanOrEqualTo(OutboundTransaction.MAX_BATCH);
        assertThat(batches.stream().mapToInt(s -> s.lines().size()).sum()).isEqualTo(102);
        assertThat(d.outcomes.getFirst().recipients()).allMatch(o -> o instanceof RcptOutcome.Delivered);
    }

    // DotEncoder: a content failure while sending means the data is never ended; the connection closes.
    @Test
    void contentThatFailsWhileSendingClosesWithoutEndingTheData() {
        SmtpClientSession session = new SmtpClientSession(MX);
        session.start();
        session.reply(dev.tern.smtp.Reply.plain(220, List.of("mx.example")));
        session.reply(dev.tern.smtp.Reply.plain(250, List.of("mx.example", "PIPELINING")));
        session.send(message("a@b.example", "c@d.example").envelope(), SMALL);
        session.reply(dev.tern.smtp.Reply.of(250, "2.1.0", "Ok"));
        session.reply(dev.tern.smtp.Reply.of(250, "2.1.5", "Ok"));
        assertThat(session.reply(dev.tern.smtp.Reply.plain(354, List.of("Go"))).next()).isEqualTo(new ClientNext.SendData());
        ClientStep step = session.bodyFailed(ClientReplies.LINE_TOO_LONG);
        assertThat(step.lines()).isEmpty();
        var close = (ClientNext.Close) step.next();
        assertThat(close.ending()).isEqualTo(new Ending.Abandoned(Stage.END_OF_DATA, ClientReplies.LINE_TOO_LONG));
        assertThat(described(close.transaction())).containsExactly("Failed c@d.example 554 5.6.0 (local)");
    }

    @Test
    void callsOutOfOrderAreBugs() {
        SmtpClientSession session = new SmtpClientSession(MX);
        assertThatThrownBy(session::quit).isInstanceOf(IllegalStateException.class);
        session.start();
        assertThatThrownBy(session::bodySent).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> session.send(message("a@b.example", "c@d.example").envelope(), SMALL))
                .isInstanceOf(IllegalStateException.class);
    }
}
