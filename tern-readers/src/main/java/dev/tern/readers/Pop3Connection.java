package dev.tern.readers;

import dev.tern.net.NetConnection;
import dev.tern.pop3.CommandParser;
import dev.tern.pop3.Next;
import dev.tern.pop3.Pop3Session;
import dev.tern.pop3.Response;
import dev.tern.pop3.ResponseCode;
import dev.tern.pop3.ResponseEncoder;
import dev.tern.pop3.Step;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one POP3 connection, on its own virtual thread, top to bottom: greeting, then read a line, hand it
 * to the {@link Pop3Session}, write its response, do what its {@link Next} says. Timeouts are the autologout of
 * RFC 1939 §3 (shorter before login). A bug in the session ends the connection with {@code -ERR [SYS/TEMP]}
 * and one ERROR line; the session is closed however the connection ends, which releases the maildrop lock
 * without deleting anything.
 */
final class Pop3Connection {
    private static final Logger log = LoggerFactory.getLogger(Pop3Connection.class);

    private final NetConnection connection;
    private final Pop3Session session;
    private final Pop3Settings settings;
    private Pop3Input input;
    private OutputStream output;

    Pop3Connection(NetConnection connection, Pop3Session session, Pop3Settings settings) {
        this.connection = connection;
        this.session = session;
        this.settings = settings;
    }

    void serve() throws IOException {
        try {
            streams();
            if (connection.secure()) session.tlsStarted(connection.channelBinding());
            send(session.greeting(), false);
            loop();
        } finally {
            session.close();
        }
    }

    private void loop() throws IOException {
        Next next = Next.COMMAND;
        while (!(next instanceof Next.Close)) {
            if (connection.closing()) {
                send(new Response.Err(ResponseCode.SYS_TEMP, "server shutting down; try again later"), false);
                return;
            }
            connection.readTimeout(session.state() == Pop3Session.State.AUTHORIZATION
                    ? settings.loginTimeout() : settings.idleTimeout());
            Pop3Input.Line line;
            try {
                line = input.read(CommandParser.MAX_AUTH_LINE);
            } catch (SocketTimeoutException e) {
                // RFC 1939 §3: the autologout timer closes the connection without entering UPDATE "or sending
                // any response": an unsolicited -ERR could pass for the answer to a command sent just then.
                log.info("conn={} pop3 autologout state={}", connection.id(), session.state());
                return;
            }
            Pop3Session.State before = session.state();
            Step step;
            try {
                step = switch (line) {
                    case Pop3Input.Line.End() -> null;
                    case Pop3Input.Line.TooLong() -> session.lineTooLong();
                    case Pop3Input.Line.Text(byte[] octets) -> {
                        debugCommand(next, octets);
                        yield next instanceof Next.ReadAuthResponse ? session.authResponse(octets) : session.command(octets);
                    }
                };
            } catch (RuntimeException e) {
                log.error("conn={} pop3 internal error", connection.id(), e);
                send(new Response.Err(ResponseCode.SYS_TEMP, "internal error; try again later"), false);
                return;
            }
            if (step == null) return; // the client hung up
            next = step.next();
            boolean hold = next instanceof Next.ReadCommand && input.hasBuffered(); // RFC 2449 §6.6 PIPELINING
            send(step.response(), hold);
            if (before == Pop3Session.State.AUTHORIZATION && session.state() == Pop3Session.State.TRANSACTION) {
                log.info("conn={} pop3 login user={} tls={}", connection.id(), session.user().orElse("?"), connection.secure());
            }
            if (next instanceof Next.StartTls) startTls();
        }
    }

    /** RFC 2595 §4: the +OK went out; what the client sent after STLS is dropped with the old reader. */
    private void startTls() throws IOException {
        connection.readTimeout(settings.handshakeTimeout());
        connection.startTls();
        streams();
        session.tlsStarted(connection.channelBinding());
    }

    private void streams() throws IOException {
        input = new Pop3Input(connection.in());
        output = new BufferedOutputStream(connection.out(), 16 * 1024);
    }

    /** Writes a response; a RETR streams through the buffer, never whole in memory. */
    private void send(Response response, boolean hold) throws IOException {
        ResponseEncoder.write(response, output);
        if (!hold) output.flush();
        if (log.isDebugEnabled()) log.debug("conn={} S: {}", connection.id(), response);
    }

    private void debugCommand(Next next, byte[] octets) {
        if (!log.isDebugEnabled()) return;
        String text = new String(octets, StandardCharsets.UTF_8);
        String upper = text.toUpperCase(Locale.ROOT);
        if (next instanceof Next.ReadAuthResponse || upper.startsWith("PASS")) {
            text = "<redacted>";
        } else if (upper.startsWith("AUTH ") && text.indexOf(' ', 5) > 0) {
            text = text.substring(0, text.indexOf(' ', 5)) + " <redacted>";
        }
        log.debug("conn={} C: {}", connection.id(), text);
    }
}
