package dev.tern.pop3;

import dev.tern.mail.Mailbox;
import dev.tern.sasl.ChannelBinding;
import dev.tern.store.Folder;
import dev.tern.store.Folders;
import dev.tern.store.MailStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One POP3 session (RFC 1939 §3): lines in, {@link Step}s out, no I/O of its own. The states are
 * AUTHORIZATION (USER/PASS, AUTH, STLS, CAPA), TRANSACTION (a {@link Maildrop} over INBOX, under the maildrop's
 * {@link MaildropLocks lock}) and UPDATE (QUIT: the marked messages are expunged). A peer's mistake is an
 * {@code -ERR} with a clear text; after {@link Pop3Profile#maxErrors()} of them the session closes. A store
 * {@link IOException} is {@code -ERR [SYS/TEMP]}.
 *
 * <p>Call order: {@link #greeting()} once (after the handshake on implicit TLS, with
 * {@link #tlsStarted} first), then {@link #command}, or {@link #authResponse} while the last step said
 * {@link Next.ReadAuthResponse}; {@link #close()} when the connection ends, however it ends. Not thread-safe.
 */
public final class Pop3Session {
    /** RFC 1939 §3's states. */
    public enum State { AUTHORIZATION, TRANSACTION, UPDATE }

    private final Pop3Profile profile;
    private final MailStore store;
    private final MaildropLocks locks;
    private State state = State.AUTHORIZATION;
    private boolean tls;
    private ChannelBinding binding = ChannelBinding.NONE;
    private String pendingUser;
    private AuthExchange exchange;
    private String user;
    private MaildropLocks.Lock lock;
    private Maildrop maildrop;
    private int errors;

    public Pop3Session(Pop3Profile profile, MailStore store, MaildropLocks locks) {
        if (profile == null || store == null || locks == null) throw new IllegalArgumentException("profile, store and locks are required");
        this.profile = profile;
        this.store = store;
        this.locks = locks;
        this.tls = profile.implicitTls();
    }

    /** RFC 1939 §4: the greeting. No APOP timestamp: APOP is not offered (it needs the password in clear). */
    public Response greeting() {
        return new Response.Ok("Tern POP3 server ready");
    }

    public State state() {
        return state;
    }

    /** The authenticated user name, once logged in. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** One command line, without its CRLF. */
    public Step command(byte[] line) {
        return switch (CommandParser.parse(line)) {
            case Command.Capa() -> Step.of(capa());
            case Command.Stls() -> stls();
            case Command.User(String name) -> userCommand(name);
            case Command.Pass(String password) -> pass(password);
            case Command.Auth(var mechanism, var initial) -> auth(mechanism, initial);
            case Command.Quit() -> quit();
            case Command.Noop() -> inTransaction(() -> new Response.Ok(""));
            case Command.Stat() -> inTransaction(() -> maildrop.stat());
            case Command.List(var message) -> inTransaction(() -> maildrop.list(message));
            case Command.Uidl(var message) -> inTransaction(() -> maildrop.uidl(message));
            case Command.Retr(int message) -> inTransaction(() -> maildrop.retr(message));
            case Command.Top(int message, int lines) -> inTransaction(() -> maildrop.top(message, lines));
            case Command.Dele(int message) -> inTransaction(() -> maildrop.dele(message));
            case Command.Rset() -> inTransaction(() -> maildrop.rset());
            case Command.Unknown(String keyword) -> error(new Response.Err("unknown command"));
            case Command.Invalid(String text) -> error(new Response.Err(text));
        };
    }

    /** A line longer than {@link CommandParser#MAX_AUTH_LINE}; the loop has skipped it up to its CRLF. */
    public Step lineTooLong() {
        if (exchange != null) {
            exchange = null;
            return error(new Response.Err("authentication response too long"));
        }
        return error(new Response.Err("command line too long"));
    }

    /** The client's line in answer to a SASL challenge. */
    public Step authResponse(byte[] line) {
        if (exchange == null) throw new IllegalStateException("no AUTH exchange under way");
        return authenticated(exchange.respond(new String(line, StandardCharsets.ISO_8859_1)));
    }

    /**
     * The TLS handshake is done (after STLS, or before the greeting on implicit TLS): RFC 2595 §4 forgets what
     * came before it. {@code binding} enables SCRAM-SHA-256-PLUS.
     */
    public void tlsStarted(ChannelBinding binding) {
        if (binding == null) throw new IllegalArgumentException("null binding");
        tls = true;
        this.binding = binding;
        pendingUser = null;
        exchange = null;
    }

    /** The connection ended: the lock goes; without QUIT nothing is deleted (RFC 1939 §6). */
    public void close() {
        release();
        maildrop = null;
    }

    private Response capa() {
        List<String> lines = new ArrayList<>(List.of("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
        if (state == State.AUTHORIZATION && loginAllowed()) {
            lines.add("USER");
            lines.add("SASL " + String.join(" ", AuthExchange.mechanisms(binding)));
        }
        if (state == State.AUTHORIZATION && profile.stlsOffered() && !tls) lines.add("STLS");
        lines.add("IMPLEMENTATION Tern");
        return new Response.Lines("capability list follows", lines);
    }

    private Step stls() {
        if (tls) return error(new Response.Err("TLS is already active"));
        if (!profile.stlsOffered()) return error(new Response.Err("STLS is not offered here"));
        // RFC 2595 §4: STLS only in the AUTHORIZATION state.
        if (state != State.AUTHORIZATION) return error(new Response.Err("STLS only before login"));
        pendingUser = null;
        return new Step(new Response.Ok("begin TLS negotiation"), Next.START_TLS);
    }

    private Step userCommand(String name) {
        if (state != State.AUTHORIZATION) return error(new Response.Err("already logged in"));
        // RFC 2595 §2.2 and RFC 8314: a password never crosses a plaintext connection unless allowed.
        if (!loginAllowed()) return error(new Response.Err("USER needs TLS: send STLS first"));
        pendingUser = name;
        return Step.of(new Response.Ok("send PASS"));
    }

    private Step pass(String password) {
        if (state != State.AUTHORIZATION) return error(new Response.Err("already logged in"));
        // RFC 1939 §7: PASS only right after a successful USER.
        if (pendingUser == null) return error(new Response.Err("send USER first"));
        String name = pendingUser;
        pendingUser = null;
        return switch (profile.credentials().verifyPassword(name, password)) {
            case ACCEPTED -> login(name);
            case REJECTED -> error(AuthExchange.FAILED);
            case THROTTLED -> error(AuthExchange.THROTTLED);
        };
    }

    private Step auth(Optional<String> mechanism, Optional<String> initial) {
        if (state != State.AUTHORIZATION) return error(new Response.Err("already logged in"));
        if (!loginAllowed()) return error(new Response.Err("AUTH needs TLS: send STLS first"));
        pendingUser = null;
        if (mechanism.isEmpty()) return Step.of(new Response.Lines("SASL mechanisms follow", AuthExchange.mechanisms(binding)));
        AuthExchange.Started started = AuthExchange.start(mechanism.get(), initial, profile.credentials(), binding);
        exchange = started.exchange().orElse(null);
        return authenticated(started.outcome());
    }

    private Step authenticated(AuthExchange.Outcome outcome) {
        if (!(outcome instanceof AuthExchange.Outcome.Continue)) exchange = null;
        return switch (outcome) {
            case AuthExchange.Outcome.Continue(Response.Challenge challenge) -> new Step(challenge, Next.AUTH_RESPONSE);
            case AuthExchange.Outcome.Authenticated(String username) -> login(username);
            case AuthExchange.Outcome.Failed(Response.Err response, boolean counts) ->
                    counts ? error(response) : Step.of(response);
        };
    }

    /** RFC 1939 §4: the credentials are good; lock the maildrop and take its message list. */
    private Step login(String username) {
        Optional<Mailbox> mailbox = profile.mailboxes().apply(username);
        if (mailbox.isEmpty()) return error(new Response.Err(ResponseCode.SYS_PERM, "this account has no mailbox"));
        Optional<MaildropLocks.Lock> acquired = locks.acquire(mailbox.get());
        // RFC 2449 §8.1.2: another POP3 session has the maildrop.
        if (acquired.isEmpty()) return error(new Response.Err(ResponseCode.IN_USE, "maildrop already locked by another session"));
        lock = acquired.get();
        try {
            Folders folders = store.folders(mailbox.get());
            Optional<Folder> inbox = folders.open(Folders.INBOX);
            if (inbox.isEmpty()) {
                release();
                return error(new Response.Err(ResponseCode.SYS_PERM, "the mailbox has no INBOX"));
            }
            maildrop = new Maildrop(inbox.get(), inbox.get().snapshot());
        } catch (IOException e) { // the store's trouble, not the client's: RFC 3206 §4 SYS/TEMP
            release();
            return Step.of(new Response.Err(ResponseCode.SYS_TEMP, "mailbox unavailable; try again later"));
        }
        user = username;
        state = State.TRANSACTION;
        return Step.of(new Response.Ok("logged in; " + maildrop.summary()));
    }

    private Step quit() {
        if (state != State.TRANSACTION) return new Step(new Response.Ok("Tern POP3 server signing off"), Next.CLOSE);
        // RFC 1939 §6: QUIT in TRANSACTION enters UPDATE, which removes the marked messages.
        state = State.UPDATE;
        Response response = maildrop.update();
        close();
        return new Step(response, Next.CLOSE);
    }

    private Step inTransaction(java.util.function.Supplier<Response> command) {
        if (state != State.TRANSACTION) return error(new Response.Err("log in first (USER and PASS, or AUTH)"));
        return Step.of(command.get());
    }

    /** A peer's mistake: counted, and past the limit the connection closes. */
    private Step error(Response.Err response) {
        errors++;
        if (errors >= profile.maxErrors()) {
            return new Step(new Response.Err(response.code(), response.text() + "; too many errors, closing"), Next.CLOSE);
        }
        return Step.of(response);
    }

    private boolean loginAllowed() {
        return tls || profile.plaintextAllowed();
    }

    private void release() {
        if (lock != null) lock.close();
        lock = null;
    }
}
