package dev.tern.smtp.client;

import dev.tern.mail.Envelope;
import dev.tern.smtp.Command;
import dev.tern.smtp.Reply;
import java.util.Optional;

/**
 * The client side of one SMTP connection as a state machine (RFC 5321 §3, §4.1): replies in,
 * {@link ClientStep}s out. It never touches a socket; the delivery's connection loop writes the lines, reads
 * replies with a {@link ReplyParser}, makes the TLS handshake and streams content through a {@link DotEncoder}.
 *
 * <p>Set-up: greeting, EHLO (HELO when EHLO gets 500, 502 or 504, RFC 5321 §3.2, as mox), STARTTLS when the
 * {@link TlsPolicy} asks for it and the server offers it, then EHLO again (RFC 3207 §4.2: forget what was
 * offered before), then AUTH PLAIN when credentials are given (only over TLS; never EHLO after AUTH, which
 * some servers answer by forgetting the login). Then {@link ClientNext.Ready}.
 *
 * <p>Transactions: {@link #send} runs one (see {@link OutboundTransaction}) and ends in
 * {@link ClientNext.Done} with an outcome per recipient; then the next message may follow on the same
 * connection. Every transaction after the first starts with RSET (pipelined with MAIL where possible), which
 * leaves the server in a known state after any ending and doubles as a liveness probe on a reused connection.
 *
 * <p>Call order: {@link #start()}, then what each step's {@code next} says: one {@link #reply} per
 * {@link ClientNext.ReadReply}, {@link #tlsStarted()} or {@link #tlsFailed()} after {@link ClientNext.StartTls},
 * {@link #bodySent()} or {@link #bodyFailed} after {@link ClientNext.SendData} / {@link ClientNext.SendChunk},
 * {@link #send} or {@link #quit()} when ready. {@link #connectionLost()} and {@link #malformedReply()} may come
 * at any time before a {@link ClientNext.Close}. Calling out of order is a bug: {@link IllegalStateException}.
 *
 * <p>Not thread-safe; one per connection.
 */
public final class SmtpClientSession {
    private enum State { NEW, GREETING, EHLO, HELO, STARTTLS, HANDSHAKE, AUTH, READY, TRANSACTION, CLOSED }

    private final ClientSettings settings;
    private State state = State.NEW;
    private Extensions extensions = Extensions.NONE;
    private boolean tlsActive;
    private boolean tlsRefused;
    private boolean authenticated;
    private boolean transacted;
    private OutboundTransaction transaction;

    public SmtpClientSession(ClientSettings settings) {
        if (settings == null) throw new IllegalArgumentException("no settings");
        this.settings = settings;
    }

    /** What the server offered in its last EHLO reply ({@link Extensions#NONE} after HELO). */
    public Extensions extensions() {
        return extensions;
    }

    public boolean tlsActive() {
        return tlsActive;
    }

    /** The connection is open: read the greeting (RFC 5321 §3.1). */
    public ClientStep start() {
        expect(State.NEW);
        state = State.GREETING;
        return ClientStep.of(new ClientNext.ReadReply(Stage.GREETING, 1));
    }

    /** One complete reply from the server. */
    public ClientStep reply(Reply reply) {
        return switch (state) {
            case GREETING -> greeting(reply);
            case EHLO -> ehlo(reply);
            case HELO -> helo(reply);
            case STARTTLS -> startTls(reply);
            case AUTH -> auth(reply);
            case TRANSACTION -> track(transaction.reply(reply));
            case NEW, HANDSHAKE, READY, CLOSED -> throw new IllegalStateException("no reply expected in " + state);
        };
    }

    /** The TLS handshake succeeded: say EHLO again (RFC 3207 §4.2). */
    public ClientStep tlsStarted() {
        expect(State.HANDSHAKE);
        tlsActive = true;
        extensions = Extensions.NONE;
        return ehlo();
    }

    /**
     * The TLS handshake failed. The connection is unusable either way; with {@link TlsPolicy#OPPORTUNISTIC}
     * the caller may retry the host in plaintext with {@link TlsPolicy#DISABLED}, as Postfix does.
     */
    public ClientStep tlsFailed() {
        expect(State.HANDSHAKE);
        return close(new Ending.Abandoned(Stage.STARTTLS, ClientReplies.TLS_FAILED));
    }

    /**
     * Starts a transaction for {@code envelope}, whose content {@code content} describes (a
     * {@link DotEncoder#scanner()} over the stored message). A message this server cannot take (SMTPUTF8,
     * SIZE, 8BITMIME, line length) fails at once for every recipient, with nothing sent.
     */
    public ClientStep send(Envelope envelope, ContentFacts content) {
        expect(State.READY);
        Optional<Reply> refusal = OutboundTransaction.precondition(envelope, content, extensions);
        if (refusal.isPresent()) {
            var outcomes = envelope.recipients().stream().map(r -> RcptOutcome.ofError(r, refusal.get(), false)).toList();
            return ClientStep.of(new ClientNext.Done(new TransactionOutcome(outcomes, extensions.dsn())));
        }
        transaction = new OutboundTransaction(envelope, content, extensions, transacted);
        transacted = true;
        state = State.TRANSACTION;
        return track(transaction.start());
    }

    /** The whole body (and for DATA its terminator) was written: read the reply to it. */
    public ClientStep bodySent() {
        expect(State.TRANSACTION);
        return track(transaction.bodySent());
    }

    /**
     * The content could not be sent ({@link DotEncoder#failure()}, or a chunk of the wrong length): the data
     * was not ended, so the connection is closed and the message's recipients get {@code reason}.
     */
    public ClientStep bodyFailed(Reply reason) {
        expect(State.TRANSACTION);
        return track(transaction.close(new Ending.Abandoned(Stage.END_OF_DATA, reason)));
    }

    /** Ends the session (RFC 5321 §4.1.1.10) without waiting for the 221. */
    public ClientStep quit() {
        expect(State.READY);
        state = State.CLOSED;
        return ClientStep.of(new ClientNext.Close(new Ending.Quit(), TransactionOutcome.NONE), render(new Command.Quit()));
    }

    /** The connection broke or timed out (RFC 5321 §4.5.3.2). */
    public ClientStep connectionLost() {
        return abandon(ClientReplies.CONNECTION_LOST);
    }

    /** The {@link ReplyParser} found a {@link ReplyRead.Malformed} reply: the conversation is out of step. */
    public ClientStep malformedReply() {
        return abandon(ClientReplies.MALFORMED_REPLY);
    }

    private ClientStep abandon(Reply reason) {
        if (state == State.CLOSED) throw new IllegalStateException("already closed");
        if (state == State.TRANSACTION) return track(transaction.close(new Ending.Abandoned(transaction.stage(), reason)));
        return close(new Ending.Abandoned(currentStage(), reason));
    }

    private ClientStep greeting(Reply reply) {
        // RFC 5321 §3.1: 220 to go on; 554 (or anything else) refuses, and QUIT is still polite.
        if (reply.code() == 220) return ehlo();
        return refuse(Stage.GREETING, reply);
    }

    private ClientStep ehlo() {
        state = State.EHLO;
        return ClientStep.of(new ClientNext.ReadReply(Stage.HELLO, 1), render(new Command.Ehlo(settings.heloName())));
    }

    private ClientStep ehlo(Reply reply) {
        if (reply.code() == 250) {
            extensions = Extensions.parse(reply);
            return afterHello();
        }
        // RFC 5321 §3.2: a server that does not know EHLO answers 500/502 (mox adds 504); try HELO.
        if (reply.code() == 500 || reply.code() == 502 || reply.code() == 504) {
            state = State.HELO;
            return ClientStep.of(new ClientNext.ReadReply(Stage.HELLO, 1), render(new Command.Helo(settings.heloName())));
        }
        return refuse(Stage.HELLO, reply);
    }

    private ClientStep helo(Reply reply) {
        if (reply.code() != 250) return refuse(Stage.HELLO, reply);
        extensions = Extensions.NONE;
        return afterHello();
    }

    private ClientStep afterHello() {
        if (!tlsActive && !tlsRefused && settings.tls() != TlsPolicy.DISABLED && extensions.startTls()) {
            state = State.STARTTLS;
            return ClientStep.of(new ClientNext.ReadReply(Stage.STARTTLS, 1), render(new Command.StartTls()));
        }
        if (!tlsActive && settings.tls() == TlsPolicy.REQUIRED) {
            return closeWithQuit(new Ending.Abandoned(Stage.STARTTLS, ClientReplies.TLS_NOT_OFFERED));
        }
        if (settings.auth() instanceof ClientAuth.Plain plain && !authenticated) {
            if (!tlsActive) return closeWithQuit(new Ending.Abandoned(Stage.AUTH, ClientReplies.AUTH_NEEDS_TLS));
            if (!extensions.auth("PLAIN")) return closeWithQuit(new Ending.Abandoned(Stage.AUTH, ClientReplies.AUTH_NOT_OFFERED));
            state = State.AUTH;
            // RFC 4954 §4: the initial response saves a round trip.
            return ClientStep.of(new ClientNext.ReadReply(Stage.AUTH, 1), render(new Command.Auth("PLAIN " + plain.initialResponse())));
        }
        state = State.READY;
        return ClientStep.of(new ClientNext.Ready());
    }

    private ClientStep startTls(Reply reply) {
        if (reply.code() == 220) {
            state = State.HANDSHAKE;
            return ClientStep.of(new ClientNext.StartTls());
        }
        // RFC 3207 §4: after a refusal the client may go on without TLS, unless its policy forbids that.
        if (settings.tls() == TlsPolicy.REQUIRED || reply.code() == 421 || !reply.isError()) return refuse(Stage.STARTTLS, reply);
        tlsRefused = true;
        return afterHello();
    }

    private ClientStep auth(Reply reply) {
        if (reply.code() == 235) {
            authenticated = true;
            return afterHello();
        }
        // RFC 4954 §4: a 334 wants more than the initial response; "*" cancels the exchange.
        if (reply.code() == 334) {
            return close(new Ending.Abandoned(Stage.AUTH, ClientReplies.UNEXPECTED_REPLY), "*", render(new Command.Quit()));
        }
        return refuse(Stage.AUTH, reply);
    }

    /** The server's reply ends the session: QUIT unless it is closing anyway (421, RFC 5321 §3.8). */
    private ClientStep refuse(Stage stage, Reply reply) {
        if (reply.code() == 421) return close(new Ending.Refused(stage, reply));
        if (!reply.isError()) return closeWithQuit(new Ending.Abandoned(stage, ClientReplies.UNEXPECTED_REPLY));
        return closeWithQuit(new Ending.Refused(stage, reply));
    }

    private ClientStep closeWithQuit(Ending ending) {
        return close(ending, render(new Command.Quit()));
    }

    private ClientStep close(Ending ending, String... lines) {
        state = State.CLOSED;
        return ClientStep.of(new ClientNext.Close(ending, TransactionOutcome.NONE), lines);
    }

    /** Follows the transaction's step: back to READY when it is done, CLOSED when it closes. */
    private ClientStep track(ClientStep step) {
        switch (step.next()) {
            case ClientNext.Done _ -> {
                state = State.READY;
                transaction = null;
            }
            case ClientNext.Close _ -> {
                state = State.CLOSED;
                transaction = null;
            }
            case ClientNext.ReadReply _, ClientNext.SendData _, ClientNext.SendChunk _, ClientNext.StartTls _,
                 ClientNext.Ready _ -> { }
        }
        return step;
    }

    private Stage currentStage() {
        return switch (state) {
            case NEW, GREETING -> Stage.GREETING;
            case EHLO, HELO -> Stage.HELLO;
            case STARTTLS, HANDSHAKE -> Stage.STARTTLS;
            case AUTH -> Stage.AUTH;
            case READY, TRANSACTION, CLOSED -> Stage.MAIL;
        };
    }

    private void expect(State expected) {
        if (state != expected) throw new IllegalStateException("expected " + expected + ", in " + state);
    }

    private static String render(Command command) {
        return CommandRenderer.render(command);
    }
}
