package dev.tern.imap;

import dev.tern.imap.SessionState.Authenticated;
import dev.tern.imap.SessionState.Logout;
import dev.tern.imap.SessionState.NotAuthenticated;
import dev.tern.imap.SessionState.Selected;
import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.Credentials;
import dev.tern.sasl.PlainServer;
import dev.tern.sasl.SaslServer;
import dev.tern.sasl.SaslStep;
import dev.tern.store.Folder;
import dev.tern.store.FolderOutcome;
import dev.tern.store.FolderSnapshot;
import dev.tern.store.Folders;
import dev.tern.store.MessageMeta;
import dev.tern.store.SpecialUse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One IMAP4rev2 session (RFC 9051; RFC 3501 clients), pure: {@link Command}s in, {@link Step}s out, over the store
 * SPI. The connection loop reads and parses commands ({@link CommandParser} with {@link #textMode()}), passes them
 * to {@link #command}, writes the step's responses and does what its {@link Step.Next} says.
 *
 * <p>State (RFC 9051 §3) is a {@link SessionState}; the selected folder's picture is a {@link MailboxView}.
 * Changes made by other sessions (and deliveries) reach it through the {@link UpdateQueue} the loop gives, and
 * are told before each tagged reply, except that EXPUNGE waits during non-UID FETCH, STORE, SEARCH and COPY
 * (§7.5.1). A store failure is a {@code NO [UNAVAILABLE]}, a bug a {@code NO [SERVERBUG]}: no exception leaves
 * {@link #command}; the loop may log it from {@link #takeFailure()}. Not thread-safe: one loop owns it.
 */
public final class ImapSession {
    @FunctionalInterface
    private interface Action {
        Step run() throws IOException;
    }

    @FunctionalInterface
    private interface SelectedAction {
        Step run(Selected selected) throws IOException;
    }

    private final SessionSettings settings;
    private final Credentials credentials;
    private final FolderAccess access;
    private final UpdateQueue updates;
    private ImapSecurity security;
    private SessionState state = new NotAuthenticated();
    private TextMode mode = TextMode.ASCII;
    private boolean rev2;
    private boolean condStore;
    private boolean qresync;
    private int badCommands;
    private int authFailures;
    private long selections;
    private SaslServer sasl;
    private String authTag;
    private String idleTag;
    private Exception failure;

    public ImapSession(SessionSettings settings, ImapSecurity security, Credentials credentials, FolderAccess access,
            UpdateQueue updates) {
        if (settings == null || security == null || credentials == null || access == null || updates == null) {
            throw new IllegalArgumentException("incomplete session");
        }
        this.settings = settings;
        this.security = security;
        this.credentials = credentials;
        this.access = access;
        this.updates = updates;
    }

    /** RFC 9051 §7.1.1: the greeting, with the capabilities so a client need not ask. */
    public Step greeting() {
        return new Step(List.of(new Response.Condition(Response.Status.OK,
                Optional.of(ResponseCode.capability(Capabilities.of(false, security))), settings.greeting())), Step.READ_COMMAND);
    }

    /** How the loop parses the next command and encodes responses. */
    public TextMode textMode() {
        return mode;
    }

    public SessionState state() {
        return state;
    }

    /** Whether a user is logged in: the loop's autologout timer is the long one then (RFC 9051 §5.4). */
    public boolean authenticated() {
        return state instanceof Authenticated || state instanceof Selected;
    }

    /** The user logged in, if one is. */
    public Optional<String> user() {
        return switch (state) {
            case Authenticated a -> Optional.of(a.user());
            case Selected s -> Optional.of(s.user());
            case NotAuthenticated n -> Optional.empty();
            case Logout l -> Optional.empty();
        };
    }

    /** The exception behind the last {@code NO [UNAVAILABLE]} or {@code NO [SERVERBUG]}, once, for the loop's log. */
    public Optional<Exception> takeFailure() {
        Optional<Exception> f = Optional.ofNullable(failure);
        failure = null;
        return f;
    }

    public Step command(Command command) {
        try {
            return dispatch(command);
        } catch (IOException | UncheckedIOException e) {
            failure = e;
            return failed(command.tag(), ResponseCode.UNAVAILABLE, "The mailbox store is unavailable; try again later");
        } catch (RuntimeException e) {
            failure = e;
            return failed(command.tag(), ResponseCode.SERVERBUG, "Internal error; the command was not carried out");
        }
    }

    /**
     * The reader refused a command (too long, literal too big, nested too deep): its reply counts as a BAD. A
     * {@code * BYE} (a non-synchronizing literal too big to skip) ends the session.
     */
    public Step rejected(Response reply) {
        if (reply instanceof Response.Condition(Response.Status status, var code, var text) && status == Response.Status.BYE) {
            close();
            state = new Logout();
            return new Step(List.of(reply), Step.CLOSE);
        }
        return bad(reply);
    }

    /** After {@link Step.Next.StartTls}: the handshake is done (RFC 9051 §6.2.1: the client speaks first). */
    public Step tlsStarted(ChannelBinding binding) {
        security = security.afterStartTls(binding);
        return new Step(List.of(), Step.READ_COMMAND);
    }

    /** RFC 9051 §5.4: the loop's read timeout ran out. */
    public Step timedOut() {
        close();
        state = new Logout();
        return new Step(List.of(new Response.Condition(Response.Status.BYE, Optional.empty(), "Autologout; idle for too long")), Step.CLOSE);
    }

    /** Ends the session's watch of its folder; the loop calls it when the connection ends, however it ends. */
    public void close() {
        if (state instanceof Selected s) s.subscription().close();
    }

    // RFC 2177: IDLE.

    /** A line the client sent during IDLE: {@code DONE} ends it. */
    public Step idleLine(String line) {
        String tag = idleTag;
        if (tag == null) throw new IllegalStateException("not idling");
        idleTag = null;
        if (!line.strip().equalsIgnoreCase("DONE")) return bad(Response.bad(tag, "Expected DONE to end IDLE"));
        return guarded(tag, () -> finish(List.of(), Response.ok(tag, "IDLE terminated"), true));
    }

    /** Folder changes came in during IDLE: tell them. */
    public Step idleUpdates() {
        if (idleTag == null) throw new IllegalStateException("not idling");
        try {
            return new Step(state instanceof Selected s ? updates(s, true) : List.of(), Step.IDLE);
        } catch (IOException | RuntimeException e) {
            failure = e;
            return new Step(List.of(), Step.IDLE);
        }
    }

    // RFC 9051 §6.2.2: AUTHENTICATE continues here.

    /** The client's line after an AUTHENTICATE challenge: base64, or {@code *} to cancel. Never logged. */
    public Step authResponse(String line) {
        String tag = authTag;
        SaslServer server = sasl;
        if (tag == null || server == null) throw new IllegalStateException("no AUTHENTICATE in progress");
        sasl = null;
        authTag = null;
        if (line.equals("*")) return bad(Response.bad(tag, "AUTHENTICATE cancelled"));
        Optional<byte[]> response = line.isEmpty() ? Optional.of(new byte[0]) : base64(line);
        if (response.isEmpty()) return bad(Response.bad(tag, "Invalid base64 in the AUTHENTICATE response"));
        return guarded(tag, () -> saslStep(tag, server, server.next(response.get())));
    }

    private Step guarded(String tag, Action action) {
        try {
            return action.run();
        } catch (IOException | UncheckedIOException e) {
            failure = e;
            return failed(tag, ResponseCode.UNAVAILABLE, "The mailbox store is unavailable; try again later");
        } catch (RuntimeException e) {
            failure = e;
            return failed(tag, ResponseCode.SERVERBUG, "Internal error; the command was not carried out");
        }
    }

    /** A failed command's reply; the folder's changes wait for the next command (reading them may fail too). */
    private Step failed(String tag, ResponseCode code, String text) {
        idleTag = null;
        sasl = null;
        authTag = null;
        return new Step(List.of(Response.tagged(tag, Response.Status.NO, code, text)), Step.READ_COMMAND);
    }

    private Step dispatch(Command command) throws IOException {
        return switch (command) {
            case Command.Invalid i -> bad(i.reply());
            case Command.Capability c -> finish(List.of(capabilityData()), Response.ok(c.tag(), "CAPABILITY completed"), true);
            case Command.Noop n -> finish(List.of(), Response.ok(n.tag(), "NOOP completed"), true);
            case Command.Logout l -> logout(l.tag());
            case Command.Id id -> finish(List.of(Response.data(Value.atom("ID"),
                    Value.list(new Value.Text("name"), new Value.Text("Tern")))), Response.ok(id.tag(), "ID completed"), true);
            case Command.StartTls s -> notAuthenticated(s, () -> startTls(s.tag()));
            case Command.Login l -> notAuthenticated(l, () -> login(l));
            case Command.Authenticate a -> notAuthenticated(a, () -> authenticate(a));
            case Command.Enable e -> state instanceof Authenticated ? enable(e)
                    : bad(Response.bad(e.tag(), "ENABLE is valid only after login and before SELECT"));
            case Command.Select s -> authenticated(s, () -> select(s));
            case Command.Create c -> authenticated(c, () -> create(c));
            case Command.Delete d -> authenticated(d, () -> delete(d));
            case Command.Rename r -> authenticated(r, () -> outcome(r.tag(), folders().rename(r.from().name(), r.to().name()), "RENAME"));
            case Command.Subscribe s -> authenticated(s, () -> subscribe(s.tag(), s.mailbox(), true));
            case Command.Unsubscribe u -> authenticated(u, () -> subscribe(u.tag(), u.mailbox(), false));
            case Command.ListMailboxes l -> authenticated(l, () -> list(l));
            case Command.Lsub l -> authenticated(l, () -> lsub(l));
            case Command.Namespace n -> authenticated(n, () -> finish(List.of(Response.data(Value.atom("NAMESPACE"),
                    Value.list(Value.list(new Value.Text(""), new Value.Text(ListResponder.SEPARATOR))), new Value.Nil(), new Value.Nil())),
                    Response.ok(n.tag(), "NAMESPACE completed"), true));
            case Command.Status s -> authenticated(s, () -> status(s));
            case Command.Append a -> authenticated(a, () -> append(a));
            case Command.Idle i -> authenticated(i, () -> idle(i.tag()));
            case Command.Close c -> selected(c, s -> close(c.tag(), s, true));
            case Command.Unselect u -> selected(u, s -> close(u.tag(), s, false));
            case Command.Check c -> selected(c, s -> finish(List.of(), Response.ok(c.tag(), "CHECK completed"), true));
            case Command.Expunge e -> selected(e, s -> expunge(e, s));
            case Command.Search s -> selected(s, sel -> SearchResponder.search(this, s, sel));
            case Command.Fetch f -> selected(f, s -> fetch(f, s));
            case Command.Store s -> selected(s, sel -> store(s, sel));
            case Command.Copy c -> selected(c, s -> copy(c.tag(), c.uid(), c.set(), c.mailbox(), s, false));
            case Command.Move m -> selected(m, s -> copy(m.tag(), m.uid(), m.set(), m.mailbox(), s, true));
        };
    }

    // State checks (RFC 9051 §6): a command in the wrong state is a BAD.

    private Step notAuthenticated(Command c, Action action) throws IOException {
        if (state instanceof NotAuthenticated) return action.run();
        return bad(Response.bad(c.tag(), "Already logged in"));
    }

    private Step authenticated(Command c, Action action) throws IOException {
        if (authenticated()) return action.run();
        return bad(Response.bad(c.tag(), "Log in first"));
    }

    private Step selected(Command c, SelectedAction action) throws IOException {
        if (!(state instanceof Selected s)) return bad(Response.bad(c.tag(), authenticated() ? "No mailbox selected" : "Log in first"));
        try {
            return action.run(s);
        } catch (IOException e) {
            if (!gone(s)) throw e;
            // Deleted or renamed (by this session or another): the selection ends, as after CLOSE (found by review).
            return new Step(List.of(unselectGone(s), Response.tagged(c.tag(), Response.Status.NO, ResponseCode.NONEXISTENT,
                    "The selected mailbox was deleted or renamed")), Step.READ_COMMAND);
        }
    }

    /** Whether the selected folder no longer exists under its name (the store refuses calls on it then). */
    private static boolean gone(Selected s) throws IOException {
        return s.folders().open(s.folder().name()).isEmpty();
    }

    /** Back to the authenticated state, with RFC 7162's {@code [CLOSED]} telling the client why. */
    private Response unselectGone(Selected s) {
        s.subscription().close();
        state = new Authenticated(s.user(), s.folders());
        return new Response.Condition(Response.Status.OK, Optional.of(ResponseCode.CLOSED), "The selected mailbox was deleted or renamed");
    }

    // Responses.

    private Step bad(Response reply) {
        boolean isBad = switch (reply) {
            case Response.Tagged t -> t.status() == Response.Status.BAD;
            case Response.Condition c -> c.status() == Response.Status.BAD;
            default -> false;
        };
        if (isBad && ++badCommands >= settings.maxBadCommands()) {
            close();
            state = new Logout();
            return new Step(List.of(reply, new Response.Condition(Response.Status.BYE, Optional.empty(), "Too many invalid commands")), Step.CLOSE);
        }
        return new Step(List.of(reply), Step.READ_COMMAND);
    }

    /** The command's own responses, then the folder's changes the client may hear of now, then the tagged reply. */
    Step finish(List<Response> own, Response.Tagged tagged, boolean allowExpunge) throws IOException {
        List<Response> all = new ArrayList<>(own);
        if (state instanceof Selected s) all.addAll(updates(s, allowExpunge));
        all.add(tagged);
        return new Step(all, Step.READ_COMMAND);
    }

    private List<Response> updates(Selected s, boolean allowExpunge) throws IOException {
        List<Response> out = new ArrayList<>();
        for (MailboxUpdate u : updates.drain()) {
            if (u.selection() != s.selection()) continue;
            // RFC 9051 §7.3.5: a keyword new to this session is told in FLAGS before any FETCH carries it.
            out.addAll(s.keywords().announce(u.change()));
            s.view().queue(u.change());
        }
        out.addAll(s.view().flush(allowExpunge, format()));
        for (int guard = 0; guard < 100 && allowExpunge && s.view().resetPending(); guard++) {
            s.view().takeReset();
            FolderSnapshot snapshot;
            try {
                snapshot = s.folder().snapshot();
            } catch (IOException e) {
                if (!gone(s)) throw e;
                out.add(unselectGone(s));
                return out;
            }
            out.addAll(s.keywords().announce(snapshot.messages()));
            out.addAll(s.view().resync(snapshot, format()));
            out.addAll(s.view().flush(true, format()));
        }
        return out;
    }

    MailboxView.Format format() {
        return new MailboxView.Format(condStore, qresync);
    }

    boolean rev2() {
        return rev2;
    }

    void enableCondStore() {
        condStore = true;
    }

    private Response capabilityData() {
        List<Value> items = new ArrayList<>();
        items.add(Value.atom("CAPABILITY"));
        for (String c : Capabilities.of(authenticated(), security)) items.add(Value.atom(c));
        return new Response.Data(items);
    }

    private Step logout(String tag) {
        close();
        state = new Logout();
        return new Step(List.of(new Response.Condition(Response.Status.BYE, Optional.empty(), "Logging out"),
                Response.ok(tag, "LOGOUT completed")), Step.CLOSE);
    }

    // RFC 9051 §6.2: not authenticated.

    private Step startTls(String tag) {
        if (security.tls()) return bad(Response.bad(tag, "TLS is already active"));
        if (!security.startTlsOffered()) return new Step(List.of(Response.no(tag, "STARTTLS is not available here")), Step.READ_COMMAND);
        return new Step(List.of(Response.ok(tag, "Begin TLS negotiation now")), Step.START_TLS);
    }

    private Step login(Command.Login login) throws IOException {
        if (!security.loginAllowed()) {
            return new Step(List.of(Response.tagged(login.tag(), Response.Status.NO, ResponseCode.PRIVACYREQUIRED, "Use STARTTLS before LOGIN")), Step.READ_COMMAND);
        }
        // PLAIN's message carries LOGIN's user and password, so both share tern-sasl's checks (RFC 4616 §2).
        PlainServer plain = new PlainServer(credentials);
        return saslStep(login.tag(), plain, plain.next(("\0" + login.user() + "\0" + login.password()).getBytes(StandardCharsets.UTF_8)));
    }

    private Step authenticate(Command.Authenticate a) throws IOException {
        if (!security.loginAllowed()) {
            return new Step(List.of(Response.tagged(a.tag(), Response.Status.NO, ResponseCode.PRIVACYREQUIRED, "Use STARTTLS before AUTHENTICATE")), Step.READ_COMMAND);
        }
        Optional<SaslServer> server = SaslServer.of(a.mechanism(), credentials, security.binding())
                .filter(s -> !a.mechanism().equalsIgnoreCase("LOGIN"));
        if (server.isEmpty()) return new Step(List.of(Response.no(a.tag(), "Unsupported authentication mechanism")), Step.READ_COMMAND);
        Optional<byte[]> initial = Optional.empty();
        if (a.initialResponse().isPresent()) {
            String ir = a.initialResponse().get();
            // RFC 4959 §3: "=" is an empty initial response.
            initial = ir.equals("=") ? Optional.of(new byte[0]) : base64(ir);
            if (initial.isEmpty()) return bad(Response.bad(a.tag(), "Invalid base64 in the initial response"));
        }
        return saslStep(a.tag(), server.get(), server.get().start(initial));
    }

    private Step saslStep(String tag, SaslServer server, SaslStep step) throws IOException {
        return switch (step) {
            case SaslStep.Challenge(String text) -> {
                sasl = server;
                authTag = tag;
                yield new Step(List.of(new Response.Continuation(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))),
                        Step.READ_AUTH_RESPONSE);
            }
            case SaslStep.Success(String username) -> loggedIn(tag, username);
            case SaslStep.Failure(Credentials.Check check) -> {
                Response.Tagged no = check == Credentials.Check.THROTTLED
                        ? Response.tagged(tag, Response.Status.NO, ResponseCode.UNAVAILABLE, "Too many failed logins; try again later")
                        : Response.tagged(tag, Response.Status.NO, ResponseCode.AUTHENTICATIONFAILED, "Authentication failed");
                if (++authFailures >= settings.maxAuthFailures()) {
                    state = new Logout();
                    yield new Step(List.of(no, new Response.Condition(Response.Status.BYE, Optional.empty(), "Too many failed logins")), Step.CLOSE);
                }
                yield new Step(List.of(no), Step.READ_COMMAND);
            }
        };
    }

    private Step loggedIn(String tag, String username) throws IOException {
        Folders folders = access.folders(username);
        state = new Authenticated(username, folders);
        return new Step(List.of(Response.tagged(tag, Response.Status.OK,
                ResponseCode.capability(Capabilities.of(true, security)), "Logged in")), Step.READ_COMMAND);
    }

    private static Optional<byte[]> base64(String text) {
        if (text.length() % 4 != 0) return Optional.empty();
        try {
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) { // the client's bad base64: answered BAD by the caller
            return Optional.empty();
        }
    }

    // RFC 9051 §6.3: authenticated.

    Folders folders() {
        return switch (state) {
            case Authenticated a -> a.folders();
            case Selected s -> s.folders();
            case NotAuthenticated n -> throw new IllegalStateException("not logged in");
            case Logout l -> throw new IllegalStateException("logged out");
        };
    }

    private Step enable(Command.Enable e) throws IOException {
        List<Value> enabled = new ArrayList<>();
        enabled.add(Value.atom("ENABLED"));
        for (String cap : e.capabilities()) {
            switch (cap.toUpperCase(Locale.ROOT)) {
                case "CONDSTORE" -> {
                    if (!condStore) enabled.add(Value.atom("CONDSTORE"));
                    condStore = true;
                }
                case "QRESYNC" -> {
                    if (!qresync) enabled.add(Value.atom("QRESYNC"));
                    qresync = true;
                    condStore = true;
                }
                case "UTF8=ACCEPT" -> {
                    if (mode != TextMode.UTF8 || !enabled.contains(Value.atom("UTF8=ACCEPT"))) enabled.add(Value.atom("UTF8=ACCEPT"));
                    mode = TextMode.UTF8;
                }
                case "IMAP4REV2" -> {
                    if (!rev2) enabled.add(Value.atom("IMAP4rev2"));
                    rev2 = true;
                    mode = TextMode.UTF8;
                }
                default -> {
                    // RFC 5161 §3.1: capabilities we do not know or that need no enabling are left out.
                }
            }
        }
        return finish(List.of(new Response.Data(enabled)), Response.ok(e.tag(), "ENABLE completed"), true);
    }

    private Step select(Command.Select c) throws IOException {
        List<Response> out = new ArrayList<>();
        if (state instanceof Selected s) {
            s.subscription().close();
            state = new Authenticated(s.user(), s.folders());
            // RFC 7162 §3.2.11: with QRESYNC, the end of the old selection is told.
            if (qresync) out.add(new Response.Condition(Response.Status.OK, Optional.of(ResponseCode.CLOSED), "Previous mailbox closed"));
        }
        Authenticated a = (Authenticated) state;
        if (c.qresync().isPresent() && !qresync) return bad(Response.bad(c.tag(), "ENABLE QRESYNC before SELECT with QRESYNC"));
        if (c.condStore()) condStore = true;
        Optional<Folder> opened = a.folders().open(c.mailbox().name());
        if (opened.isEmpty()) {
            out.add(Response.tagged(c.tag(), Response.Status.NO, ResponseCode.NONEXISTENT, "No such mailbox"));
            return new Step(out, Step.READ_COMMAND);
        }
        Folder folder = opened.get();
        long selection = ++selections;
        // Watch first, then read: a change in between is in the snapshot and its echo is recognised and dropped.
        Folder.Subscription subscription = folder.watch(change -> updates.offer(new MailboxUpdate(selection, change)));
        FolderSnapshot snapshot;
        try {
            snapshot = folder.snapshot();
        } catch (IOException | RuntimeException e) {
            subscription.close();
            throw e;
        }
        MailboxView view = new MailboxView(snapshot);
        MailboxKeywords keywords = new MailboxKeywords(view.messages(), c.readOnly());
        state = new Selected(a.user(), a.folders(), folder, c.mailbox(), view, c.readOnly(), selection, subscription, keywords);
        out.addAll(SelectResponses.of(this, c, folder, view, keywords));
        String code = c.readOnly() ? "READ-ONLY" : "READ-WRITE";
        out.add(Response.tagged(c.tag(), Response.Status.OK, ResponseCode.of(code), (c.readOnly() ? "EXAMINE" : "SELECT") + " completed"));
        return new Step(out, Step.READ_COMMAND);
    }

    private Step create(Command.Create c) throws IOException {
        Optional<SpecialUse> use = Optional.empty();
        for (Flag f : c.specialUse()) {
            Optional<SpecialUse> u = java.util.Arrays.stream(SpecialUse.values()).filter(x -> x.attribute().equalsIgnoreCase(f.name())).findFirst();
            if (u.isEmpty()) {
                return finish(List.of(), Response.tagged(c.tag(), Response.Status.NO, ResponseCode.of("USEATTR"), "Unknown special use " + f.name()), true);
            }
            use = u;
        }
        String name = c.mailbox().name();
        // RFC 9051 §6.3.4: a trailing separator says the client means to make children; the name is without it.
        while (name.endsWith(ListResponder.SEPARATOR) && name.length() > 1) name = name.substring(0, name.length() - 1);
        if (name.equals("INBOX")) return finish(List.of(), Response.tagged(c.tag(), Response.Status.NO, ResponseCode.ALREADYEXISTS, "INBOX always exists"), true);
        return outcome(c.tag(), folders().create(name, use), "CREATE");
    }

    private Step delete(Command.Delete d) throws IOException {
        String name = d.mailbox().name();
        FolderOutcome outcome = folders().delete(name);
        if (outcome instanceof FolderOutcome.Refused && hasChildren(name)) {
            // RFC 9051 §6.3.4: a server that keeps such a mailbox says NO [HASCHILDREN] (RFC 5530 §3).
            return finish(List.of(), Response.tagged(d.tag(), Response.Status.NO, ResponseCode.HASCHILDREN,
                    "Mailbox has inferior hierarchical names; delete them first"), true);
        }
        return outcome(d.tag(), outcome, "DELETE");
    }

    private boolean hasChildren(String name) throws IOException {
        String prefix = name + ListResponder.SEPARATOR;
        for (dev.tern.store.FolderInfo f : folders().list()) {
            if (f.name().regionMatches(true, 0, prefix, 0, prefix.length()) && f.name().length() > prefix.length()) return true;
        }
        return false;
    }

    private Step outcome(String tag, FolderOutcome outcome, String command) throws IOException {
        Response.Tagged reply = switch (outcome) {
            case FolderOutcome.Done d -> Response.ok(tag, command + " completed");
            case FolderOutcome.NoSuchFolder n -> Response.tagged(tag, Response.Status.NO, ResponseCode.NONEXISTENT, "No such mailbox");
            case FolderOutcome.AlreadyExists x -> Response.tagged(tag, Response.Status.NO, ResponseCode.ALREADYEXISTS, "Mailbox already exists");
            case FolderOutcome.Refused r -> Response.tagged(tag, Response.Status.NO, ResponseCode.CANNOT, r.why());
        };
        return finish(List.of(), reply, true);
    }

    private Step subscribe(String tag, MailboxName name, boolean subscribed) throws IOException {
        folders().subscribe(name.name(), subscribed);
        return finish(List.of(), Response.ok(tag, (subscribed ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed"), true);
    }

    private Step list(Command.ListMailboxes l) throws IOException {
        Optional<Response> separator = ListResponder.separatorQuery(l);
        List<Response> out = new ArrayList<>();
        if (separator.isPresent()) {
            out.add(separator.get());
        } else {
            for (ListResponder.Entry e : ListResponder.list(folders(), l)) {
                out.add(ListResponder.response("LIST", e));
                // RFC 5819 §2: STATUS right after the LIST of a selectable mailbox.
                if (!l.status().isEmpty() && e.selectable()) {
                    Optional<Folder> f = folders().open(e.name().name());
                    if (f.isPresent()) out.add(StatusResponder.status(e.name(), f.get().snapshot(), l.status()));
                }
            }
            if (l.status().contains(StatusItem.HIGHESTMODSEQ)) condStore = true;
        }
        return finish(out, Response.ok(l.tag(), "LIST completed"), true);
    }

    private Step lsub(Command.Lsub l) throws IOException {
        List<Response> out = new ArrayList<>();
        for (ListResponder.Entry e : ListResponder.lsub(folders(), l)) out.add(ListResponder.response("LSUB", e));
        return finish(out, Response.ok(l.tag(), "LSUB completed"), true);
    }

    private Step status(Command.Status s) throws IOException {
        Optional<Folder> f = folders().open(s.mailbox().name());
        if (f.isEmpty()) return finish(List.of(), Response.tagged(s.tag(), Response.Status.NO, ResponseCode.NONEXISTENT, "No such mailbox"), true);
        if (s.items().contains(StatusItem.HIGHESTMODSEQ)) condStore = true;
        return finish(List.of(StatusResponder.status(s.mailbox(), f.get().snapshot(), s.items())), Response.ok(s.tag(), "STATUS completed"), true);
    }

    private Step append(Command.Append a) throws IOException {
        Optional<Folder> f = folders().open(a.mailbox().name());
        // RFC 9051 §6.3.12: a missing mailbox is NO [TRYCREATE].
        if (f.isEmpty()) return finish(List.of(), Response.tagged(a.tag(), Response.Status.NO, ResponseCode.TRYCREATE, "No such mailbox"), true);
        java.util.Set<String> flags = new java.util.HashSet<>();
        for (Flag flag : a.flags()) if (!flag.equals(Flag.RECENT)) flags.add(flag.name());
        if (flags.size() > MessageMeta.MAX_FLAGS) return tooManyFlags(a.tag());
        var result = f.get().append(new java.io.ByteArrayInputStream(a.message()), flags,
                a.internalDate().map(java.time.OffsetDateTime::toInstant).orElse(null));
        return finish(List.of(), Response.tagged(a.tag(), Response.Status.OK,
                ResponseCode.appendUid(result.uidValidity(), SequenceSet.of(result.uid())), "APPEND completed"), true);
    }

    private Step idle(String tag) throws IOException {
        idleTag = tag;
        List<Response> out = new ArrayList<>();
        out.add(new Response.Continuation("idling"));
        if (state instanceof Selected s) out.addAll(updates(s, true));
        return new Step(out, Step.IDLE);
    }

    // RFC 9051 §6.4: selected.

    private Step close(String tag, Selected s, boolean expunge) throws IOException {
        if (expunge && !s.readOnly()) {
            // RFC 9051 §6.4.1: CLOSE removes the \Deleted messages and sends no EXPUNGE.
            // The store checks \Deleted as it is now, not as this session last heard (another may have cleared it).
            List<Long> all = s.view().messages().stream().map(MessageMeta::uid).toList();
            if (!all.isEmpty()) s.folder().expungeDeleted(all);
        }
        s.subscription().close();
        state = new Authenticated(s.user(), s.folders());
        return new Step(List.of(Response.ok(tag, (expunge ? "CLOSE" : "UNSELECT") + " completed")), Step.READ_COMMAND);
    }

    private Step expunge(Command.Expunge e, Selected s) throws IOException {
        if (s.readOnly()) return finish(List.of(), Response.tagged(e.tag(), Response.Status.NO, ResponseCode.READ_ONLY, "Mailbox is read-only"), true);
        if (e.uids().filter(SequenceSet::saved).isPresent()) return bad(Response.bad(e.tag(), "$ (SEARCHRES) is not supported"));
        // RFC 9051 §6.4.3: the messages with \Deleted set now; the store checks the flag in the same transaction, so
        // a \Deleted that another session cleared (and this one has not heard of yet) keeps its message.
        List<Long> candidates = new ArrayList<>();
        long largest = s.view().largestUid();
        for (MessageMeta m : s.view().messages()) {
            if (e.uids().map(set -> set.contains(m.uid(), largest)).orElse(true)) candidates.add(m.uid());
        }
        List<Long> removed = candidates.isEmpty() ? List.of() : s.folder().expungeDeleted(candidates);
        return finish(s.view().remove(removed, format()), Response.ok(e.tag(), "EXPUNGE completed"), true);
    }

    private Step fetch(Command.Fetch f, Selected s) throws IOException {
        if (f.set().saved()) return bad(Response.bad(f.tag(), "$ (SEARCHRES) is not supported"));
        if (beyondLast(f.set(), f.uid(), s)) return bad(Response.bad(f.tag(), BEYOND_LAST));
        if (f.changedSince().isPresent() || f.items().contains(new FetchItem.ModSeq())) condStore = true;
        FetchResponder.Result result = FetchResponder.fetch(s.folder(), s.view(), f, s.readOnly(), format());
        Response.Tagged tagged = result.expungeIssued()
                ? Response.tagged(f.tag(), Response.Status.NO, ResponseCode.EXPUNGEISSUED, "Some messages were expunged meanwhile")
                : result.unknownCte()
                ? Response.tagged(f.tag(), Response.Status.NO, ResponseCode.UNKNOWN_CTE, "Cannot decode the Content-Transfer-Encoding of a requested part")
                : Response.ok(f.tag(), "FETCH completed");
        return finish(result.responses(), tagged, f.uid());
    }

    private Step tooManyFlags(String tag) throws IOException {
        return finish(List.of(), Response.tagged(tag, Response.Status.NO, ResponseCode.LIMIT,
                "At most " + MessageMeta.MAX_FLAGS + " flags and keywords on a message"), true);
    }

    private Step store(Command.Store c, Selected s) throws IOException {
        if (c.set().saved()) return bad(Response.bad(c.tag(), "$ (SEARCHRES) is not supported"));
        if (beyondLast(c.set(), c.uid(), s)) return bad(Response.bad(c.tag(), BEYOND_LAST));
        if (s.readOnly()) return finish(List.of(), Response.tagged(c.tag(), Response.Status.NO, ResponseCode.READ_ONLY, "Mailbox is read-only"), c.uid());
        if (c.unchangedSince().isPresent()) condStore = true;
        List<Integer> seqs = s.view().resolve(c.set(), c.uid());
        List<Long> uids = seqs.stream().map(q -> s.view().at(q).uid()).toList();
        java.util.Set<String> flags = new java.util.LinkedHashSet<>();
        for (Flag flag : c.flags()) flags.add(flag.name());
        // A bound on flags per message, so no client can grow one message's record without end (found by review).
        if (c.mode() == Command.StoreMode.REPLACE && flags.size() > MessageMeta.MAX_FLAGS) return tooManyFlags(c.tag());
        if (c.mode() == Command.StoreMode.ADD) {
            for (int q : seqs) {
                java.util.Set<String> after = new java.util.HashSet<>(s.view().at(q).flags());
                after.addAll(flags);
                if (after.size() > MessageMeta.MAX_FLAGS) return tooManyFlags(c.tag());
            }
        }
        dev.tern.store.FlagOperation op = switch (c.mode()) {
            case ADD -> dev.tern.store.FlagOperation.ADD;
            case REMOVE -> dev.tern.store.FlagOperation.REMOVE;
            case REPLACE -> dev.tern.store.FlagOperation.REPLACE;
        };
        var result = uids.isEmpty() ? new dev.tern.store.StoreResult(List.of(), List.of())
                : s.folder().store(uids, op, flags, c.unchangedSince());
        s.view().update(result.updated());
        // RFC 9051 §7.3.5: a keyword first stored now is told in FLAGS (also for .SILENT: FLAGS is the mailbox's).
        List<Response> out = new ArrayList<>(s.keywords().announce(result.updated()));
        if (!c.silent()) {
            for (MessageMeta m : result.updated()) {
                int seq = s.view().sequenceOf(m.uid());
                if (seq == 0) continue;
                List<Value> items = new ArrayList<>();
                if (c.uid()) {
                    items.add(Value.atom("UID"));
                    items.add(Value.number(m.uid()));
                }
                items.add(Value.atom("FLAGS"));
                items.add(MailboxView.flags(m));
                if (condStore) {
                    items.add(Value.atom("MODSEQ"));
                    items.add(Value.list(Value.number(m.modSeq())));
                }
                out.add(Response.data(Value.number(seq), Value.atom("FETCH"), new Value.ListOf(items)));
            }
        }
        if (!result.modified().isEmpty()) {
            // RFC 7162 §3.1.3: what UNCHANGEDSINCE left alone, as UIDs for UID STORE, else sequence numbers.
            List<Long> modified = c.uid() ? result.modified()
                    : result.modified().stream().map(u -> (long) s.view().sequenceOf(u)).filter(q -> q > 0).toList();
            return finish(out, Response.tagged(c.tag(), Response.Status.OK,
                    ResponseCode.modified(SequenceSet.parse(Sets.compress(modified)).orElseThrow()), "Conditional STORE failed for some messages"), c.uid());
        }
        return finish(out, Response.ok(c.tag(), "STORE completed"), c.uid());
    }

    private static final String BEYOND_LAST = "Message sequence number beyond the last message";

    /**
     * RFC 9051 §9 seq-number: a sequence number past the client's last message is a BAD, {@code *} in an empty
     * mailbox included (as Dovecot). The view is the client's picture: expunges it has not heard of still count.
     * UIDs are never checked (§6.4.8: a UID set may name messages that do not exist).
     */
    private static boolean beyondLast(SequenceSet set, boolean uid, Selected s) {
        if (uid) return false;
        int exists = s.view().messages().size();
        for (SequenceSet.Range r : set.ranges()) {
            if (exists == 0 || r.first() > exists || r.last() > exists) return true;
        }
        return false;
    }

    private Step copy(String tag, boolean uid, SequenceSet set, MailboxName mailbox, Selected s, boolean move) throws IOException {
        String command = move ? "MOVE" : "COPY";
        if (set.saved()) return bad(Response.bad(tag, "$ (SEARCHRES) is not supported"));
        if (beyondLast(set, uid, s)) return bad(Response.bad(tag, BEYOND_LAST));
        if (move && s.readOnly()) return finish(List.of(), Response.tagged(tag, Response.Status.NO, ResponseCode.READ_ONLY, "Mailbox is read-only"), uid);
        Optional<Folder> target = s.folders().open(mailbox.name());
        if (target.isEmpty()) return finish(List.of(), Response.tagged(tag, Response.Status.NO, ResponseCode.TRYCREATE, "No such mailbox"), uid || move);
        List<Long> uids = s.view().resolve(set, uid).stream().map(q -> s.view().at(q).uid()).toList();
        if (uids.isEmpty()) return finish(List.of(), Response.ok(tag, command + " completed"), uid || move);
        var result = move ? s.folder().move(uids, target.get()) : s.folder().copy(uids, target.get());
        Optional<ResponseCode> copyUid = result.sourceUids().isEmpty() ? Optional.empty()
                : Optional.of(ResponseCode.copyUid(result.targetUidValidity(),
                        SequenceSet.parse(Sets.compress(result.sourceUids())).orElseThrow(),
                        SequenceSet.parse(Sets.compress(result.targetUids())).orElseThrow()));
        if (!move) return finish(List.of(), new Response.Tagged(tag, Response.Status.OK, copyUid, "COPY completed"), uid);
        // RFC 6851 §4.3: COPYUID in an untagged OK before the expunges.
        List<Response> out = new ArrayList<>();
        copyUid.ifPresent(code -> out.add(new Response.Condition(Response.Status.OK, Optional.of(code), "Moved")));
        out.addAll(s.view().remove(result.sourceUids(), format()));
        return finish(out, Response.ok(tag, "MOVE completed"), true);
    }
}
