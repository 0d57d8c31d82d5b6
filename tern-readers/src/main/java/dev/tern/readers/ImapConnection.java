package dev.tern.readers;

import dev.tern.imap.CommandParser;
import dev.tern.imap.CommandReader;
import dev.tern.imap.ImapSecurity;
import dev.tern.imap.ImapSession;
import dev.tern.imap.Read;
import dev.tern.imap.Response;
import dev.tern.imap.ResponseEncoder;
import dev.tern.imap.Step;
import dev.tern.net.NetConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection, top to bottom on the listener's virtual thread: read octets into the {@link CommandReader},
 * hand commands to the {@link ImapSession}, write its responses in one flush per step, do what it says next.
 * During IDLE a second virtual thread makes one blocking read while this one waits for that read or for folder
 * changes (whichever comes first); it ends when its read does, and IDLE ends only after it did.
 */
final class ImapConnection {
    private static final Logger log = LoggerFactory.getLogger(ImapConnection.class);
    // Issue 8: an idle session costs at most 32 KiB. Buffers start small and give back what a busy command took.
    private static final int SMALL_READ = 1024;
    private static final int LARGE_READ = 16384;
    private static final int MAX_WRITE = 16384;
    private static final int IDLE_READ = 256;

    /** What an idling connection waits for. */
    private sealed interface Event {
        record Input(byte[] octets, int length) implements Event {}

        record End(Optional<IOException> failure) implements Event {}

        record Changed() implements Event {}
    }

    private final NetConnection connection;
    private final ImapServer server;
    private final ImapSession session;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean changeSignalled = new AtomicBoolean();
    private CommandReader reader;
    private InputStream in;
    private OutputStream out;
    private byte[] buffer = new byte[SMALL_READ]; // grows while a client streams (a literal), shrinks after
    private String admittedUser;

    ImapConnection(NetConnection connection, ImapServer server) throws IOException {
        this.connection = connection;
        this.server = server;
        ImapServerSettings settings = server.settings();
        boolean loopback = connection.client().isLoopbackAddress();
        ImapSecurity security = connection.secure() ? ImapSecurity.implicitTls(connection.channelBinding())
                : ImapSecurity.plaintext(settings.plaintextOnLoopback() && loopback, true);
        SessionUpdates updates = new SessionUpdates(settings.updateQueue(), () -> {
            if (changeSignalled.compareAndSet(false, true)) events.offer(new Event.Changed());
        });
        this.session = new ImapSession(settings.session(), security, server.credentials(connection.client()), server.folders(), updates);
        this.reader = new CommandReader(settings.limits().beforeLogin());
        this.in = connection.in();
        this.out = new ElasticBufferedOutput(connection.out(), MAX_WRITE);
    }

    void serve() throws IOException {
        log.info("conn={} imap connected client={} listener={}", connection.id(), connection.client().getHostAddress(), connection.listener());
        String end = "client closed";
        try {
            connection.readTimeout(server.settings().loginTimeout());
            Step.Next next = write(session.greeting());
            while (!(next instanceof Step.Next.Close)) {
                Optional<Step> step = switch (next) {
                    case Step.Next.ReadCommand r -> readCommand();
                    case Step.Next.ReadAuthResponse a -> readLine().map(session::authResponse);
                    case Step.Next.StartTls s -> Optional.of(startTls());
                    case Step.Next.Idle i -> idle();
                    case Step.Next.Close c -> throw new IllegalStateException("unreachable");
                };
                if (step.isEmpty()) break;
                next = write(step.get());
                session.takeFailure().ifPresent(e -> log.warn("conn={} imap store failure: {}", connection.id(), e.toString()));
                if (!afterStep()) {
                    end = "too many sessions";
                    break;
                }
                if (next instanceof Step.Next.Close) end = "session closed";
            }
        } catch (SocketTimeoutException e) {
            write(session.timedOut());
            end = "autologout";
        } finally {
            session.close();
            if (admittedUser != null) server.release(admittedUser);
            log.info("conn={} imap closed: {}", connection.id(), end);
        }
    }

    /** After login: the per-user limit, the long timer, the larger literal caps. False: the connection ends. */
    private boolean afterStep() throws IOException {
        if (admittedUser != null || session.user().isEmpty()) return true;
        String user = session.user().get();
        if (!server.admit(user)) {
            write(new Step(List.of(new Response.Condition(Response.Status.BYE, Optional.empty(), "Too many sessions for this user")), Step.CLOSE));
            return false;
        }
        admittedUser = user;
        log.info("conn={} imap login user={}", connection.id(), user);
        connection.readTimeout(server.settings().idleTimeout());
        reader.limits(server.settings().limits()); // APPEND's full literal cap, from the next command on
        return true;
    }


    private Optional<Step> readCommand() throws IOException {
        for (int guard = 0; guard < 1_000_000; guard++) {
            switch (reader.next()) {
                case Read.NeedMore m -> {
                    if (!fill()) return Optional.empty();
                }
                case Read.SendContinuation c -> {
                    out.write(ResponseEncoder.encode(ResponseEncoder.CONTINUE_LITERAL, session.textMode()));
                    out.flush();
                }
                case Read.Rejected r -> {
                    return Optional.of(session.rejected(r.reply()));
                }
                case Read.Complete c -> {
                    if (buffer.length > SMALL_READ) buffer = new byte[SMALL_READ];
                    return Optional.of(session.command(CommandParser.parse(c.command(), session.textMode())));
                }
            }
        }
        throw new IllegalStateException("the reader did not settle");
    }

    /** One line (an AUTHENTICATE response, IDLE's DONE), read as a command without literals. */
    private Optional<String> readLine() throws IOException {
        for (int guard = 0; guard < 1_000_000; guard++) {
            switch (reader.next()) {
                case Read.NeedMore m -> {
                    if (!fill()) return Optional.empty();
                }
                case Read.SendContinuation c -> {
                    return Optional.of("*"); // a literal where a line belongs: taken as a cancel
                }
                case Read.Rejected r -> {
                    return Optional.of("*");
                }
                case Read.Complete c -> {
                    return Optional.of(c.command().firstLine());
                }
            }
        }
        throw new IllegalStateException("the reader did not settle");
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer);
        if (n < 0) return false;
        reader.feed(buffer, 0, n);
        // A full read: the client is streaming (an APPEND literal); read in larger pieces until the command ends.
        if (n == buffer.length && buffer.length < LARGE_READ) buffer = new byte[Math.min(LARGE_READ, buffer.length * 4)];
        return true;
    }

    private Step startTls() throws IOException {
        // RFC 9051 §6.2.1: what the client pipelined after STARTTLS came in the clear; it is thrown away.
        if (reader.buffered() > 0) log.info("conn={} imap discarded {} octets sent after STARTTLS", connection.id(), reader.buffered());
        reader = new CommandReader(server.settings().limits().beforeLogin()); // STARTTLS comes only before login
        connection.startTls();
        in = connection.in();
        out = new ElasticBufferedOutput(connection.out(), MAX_WRITE);
        return session.tlsStarted(connection.channelBinding());
    }

    /** RFC 2177: wait for DONE or folder changes; the autologout timer still runs. */
    private Optional<Step> idle() throws IOException {
        if (reader.buffered() > 0) return readLine().map(session::idleLine);
        Thread.ofVirtual().name("imap-idle-" + connection.id()).start(this::readOnce);
        long deadline = System.nanoTime() + server.settings().idleTimeout().toNanos();
        while (true) {
            Event event;
            try {
                event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            switch (event) {
                case null -> {
                    return Optional.of(session.timedOut());
                }
                case Event.Changed c -> {
                    changeSignalled.set(false);
                    write(session.idleUpdates());
                }
                case Event.Input(byte[] octets, int length) -> {
                    reader.feed(octets, 0, length);
                    if (reader.next() instanceof Read.Complete complete) {
                        return Optional.of(session.idleLine(complete.command().firstLine()));
                    }
                    Thread.ofVirtual().name("imap-idle-" + connection.id()).start(this::readOnce);
                }
                case Event.End(Optional<IOException> failure) -> {
                    if (failure.isPresent() && failure.get() instanceof SocketTimeoutException t) throw t;
                    return Optional.empty();
                }
            }
        }
    }

    private void readOnce() {
        byte[] octets = new byte[IDLE_READ]; // DONE, or the start of what follows it
        try {
            int n = in.read(octets);
            events.offer(n < 0 ? new Event.End(Optional.empty()) : new Event.Input(octets, n));
        } catch (IOException e) {
            events.offer(new Event.End(Optional.of(e)));
        }
    }

    private Step.Next write(Step step) throws IOException {
        for (Response r : step.responses()) out.write(ResponseEncoder.encode(r, session.textMode()));
        out.flush();
        return step.next();
    }
}
