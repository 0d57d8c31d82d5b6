package dev.tern.server;

import dev.tern.mail.Telemetry;
import dev.tern.smtp.ByteSink;
import dev.tern.net.NetConnection;
import dev.tern.sasl.ChannelBinding;
import dev.tern.smtp.DotDecoder;
import dev.tern.smtp.Next;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import dev.tern.smtp.SecurityProfile;
import dev.tern.smtp.SessionSettings;
import dev.tern.smtp.SmtpSession;
import dev.tern.smtp.Step;
import dev.tern.spool.Spool;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection, top to bottom on its own virtual thread: read, ask the session, write, repeat. The
 * session decides and owns each transaction, its content included; this class only moves bytes and watches the
 * clock. Content goes from the session to the {@link SpoolContentStage}, which applies content policy and
 * stores it in the spool.
 */
final class Connection {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final String id;
    private final Socket plain;
    private final ServerSettings server;
    private final SpoolContentStage content;
    private final SmtpSession session;
    private final SecurityProfile security;
    private final TlsHandshake tls;
    // Present when the client was refused at connect (a blocklist): it only gets the 554 and QUIT.
    private final BlockedSession blocked;
    // Replaced once, when TLS starts: the TLS socket and streams over the plain one.
    private Socket socket;
    private SmtpInput input;
    private ReplyWriter output;
    private final long deadline;
    private volatile boolean stopping;
    // Why the session ended, when it was the session's decision (QUIT, or a 421 it sent).
    private String closedBy = "client closed";
    private final String kind;
    private final Telemetry telemetry;
    // The step being sent answers the end of a message's content (for the refusal's reason).
    private boolean afterContent;

    /**
     * {@code tls} is used when {@code security} offers STARTTLS or is implicit TLS; nothing TLS exists before.
     * {@code submission}: the listener is a submission one (RFC 6409), for the content checks. {@code refusal}: the
     * 554 greeting of a client refused at connect (RFC 5321 §3.1); then only QUIT.
     */
    Connection(String id, Socket socket, ServerSettings server, SessionSettings settings, RecipientPolicy policy,
               Spool spool, SecurityProfile security, TlsHandshake tls, MessageInspector inspector, boolean submission,
               boolean trustedNetwork, Optional<Reply> refusal, String kind, Telemetry telemetry)
            throws IOException {
        this.id = id;
        this.kind = kind;
        this.telemetry = telemetry;
        this.blocked = refusal.map(BlockedSession::new).orElse(null);
        this.plain = socket;
        this.socket = socket;
        this.server = server;
        this.security = security;
        this.tls = tls;
        this.content = new SpoolContentStage(id, spool, settings.hostname(), server.maxHeaderSize(),
                settings.maxReceivedHeaders(), inspector, socket.getInetAddress(), submission, trustedNetwork);
        this.session = new SmtpSession(settings, policy, socket.getInetAddress().getHostAddress(), security, content);
        this.output = new ReplyWriter(socket.getOutputStream());
        this.input = new SmtpInput(socket.getInputStream(), this::beforeRead);
        this.deadline = System.nanoTime() + server.sessionTimeout().toNanos();
    }

    /** Serves the session until it ends; I/O failures end it, and are logged once. */
    void serve() {
        long started = System.nanoTime();
        String end = "closed";
        try {
            socket.setTcpNoDelay(true); // replies are already coalesced per batch; Nagle would only add delay
            // RFC 8314 §3.3: on an implicit TLS port the handshake comes first, before the greeting.
            if (security.implicitTls()) session.implicitTlsStarted(startTls());
            if (blocked != null) telemetry.refused(Telemetry.Refusal.DNSBL);
            Next next = send(blocked != null ? blocked.greeting() : session.greeting());
            while (!(next instanceof Next.Close)) {
                next = send(switch (next) {
                    case Next.ReadCommand c -> readCommand();
                    case Next.ReadData(DotDecoder decoder, ByteSink sink) -> readData(decoder, sink);
                    case Next.ReadChunk(long octets, ByteSink sink) -> readChunk(octets, sink);
                    case Next.DiscardChunk d -> discardChunk(d);
                    case Next.StartTls s -> session.tlsStarted(startTls());
                    case Next.ReadAuthResponse r -> readAuthResponse();
                    case Next.Close c -> throw new IllegalStateException("unreachable");
                });
                if (next == null) break;
            }
            end = closedBy;
            output.flush();
        } catch (SocketTimeoutException e) {
            end = "timeout";
            sendQuietly(session.timeout());
        } catch (HandshakeFailed e) {
            end = "tls handshake failed: " + e.getCause().getMessage();
        } catch (IOException e) {
            end = "i/o error: " + e.getMessage();
            // Over TLS, stop() ends a blocked read with an error rather than a clean end of input.
            if (stopping) sendQuietly(session.shuttingDown());
        } catch (RuntimeException e) {
            end = "internal error";
            log.error("conn={} internal error", id, e);
            sendQuietly(Step.reply(Replies.INTERNAL_ERROR, Next.CLOSE));
        } finally {
            session.end(); // a message not yet stored is discarded with its transaction
            closeQuietly();
            log.info("conn={} disconnect reason=\"{}\" messages={} ms={}", id, end, content.queued(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * Asks the session to end at its next command: input is shut so the blocked read returns, and the session
     * answers 421 4.3.2 (RFC 5321 §3.8). A message being received is not acknowledged, so nothing is lost.
     */
    void stop() {
        stopping = true;
        try {
            plain.shutdownInput(); // the plain socket: a blocked read returns, TLS or not
        } catch (IOException e) {
            // Already closed: the session is ending anyway.
        }
    }

    /** Sends the step's reply (queued until the next blocking read) and says what comes next; null at EOF. */
    private Next send(Step step) {
        if (step == null) return null;
        step.reply().ifPresent(output::add);
        if (step.reply().isPresent() && RefusalReason.refuses(step.reply().get()) && blocked == null) {
            telemetry.refused(RefusalReason.of(step.reply().get(), afterContent));
        }
        afterContent = false;
        if (step.next() instanceof Next.Close) {
            closedBy = step.reply().map(Connection::reason).orElse("closed");
        }
        return step.next();
    }

    /** The log's reason for a close the session decided: "quit" for 221, else the 421 it sent. */
    private static String reason(Reply reply) {
        if (reply.code() == 221) return "quit";
        return reply.code() + " " + String.join(" ", reply.lines());
    }

    private Step readCommand() throws IOException {
        return switch (input.readLine(server.maxCommandLine())) {
            case SmtpInput.Line.Text t -> blocked != null ? blocked.command(t.text()) : session.command(t.text());
            case SmtpInput.Line.TooLong t -> session.lineTooLong();
            case SmtpInput.Line.Eof e -> stopping ? session.shuttingDown() : null;
        };
    }

    /** RFC 4954 §4: one line of an AUTH exchange, up to 12,288 octets. Its content is a secret: never logged. */
    private Step readAuthResponse() throws IOException {
        return switch (input.readLine(Next.MAX_AUTH_LINE)) {
            case SmtpInput.Line.Text t -> session.authResponse(t.text());
            case SmtpInput.Line.TooLong t -> session.authLineTooLong();
            case SmtpInput.Line.Eof e -> stopping ? session.shuttingDown() : null;
        };
    }

    /**
     * Sends what is pending (the 220 to STARTTLS), throws away every octet the client sent before the handshake
     * (RFC 3207 §4.2; CVE-2011-0411: a command pipelined after STARTTLS must not run as if it came over TLS),
     * makes the handshake, and reads and writes through TLS from then on. Returns the connection's channel
     * binding for SCRAM-SHA-256-PLUS.
     */
    private ChannelBinding startTls() throws IOException {
        beforeRead(); // flush the 220 and arm the read timeout, which bounds the handshake too
        int discarded = input.buffered();
        if (discarded > 0) log.info("conn={} discarded {} octets sent before the TLS handshake", id, discarded);
        SSLSocket secured;
        try {
            secured = tls.handshake(plain);
        } catch (IOException e) {
            telemetry.tlsHandshake(kind, "", false);
            throw new HandshakeFailed(e);
        }
        telemetry.tlsHandshake(kind, secured.getSession().getProtocol(), true);
        socket = secured;
        output = new ReplyWriter(secured.getOutputStream());
        input = new SmtpInput(secured.getInputStream(), this::beforeRead);
        log.info("conn={} tls protocol={} cipher={}", id, secured.getSession().getProtocol(),
                secured.getSession().getCipherSuite());
        return NetConnection.channelBinding(id, secured.getSession());
    }

    /** The handshake failed: the client cannot be answered in plaintext any more, so the connection just closes. */
    private static final class HandshakeFailed extends IOException {
        HandshakeFailed(IOException cause) {
            super(cause);
        }
    }

    private Step readData(DotDecoder decoder, ByteSink sink) throws IOException {
        output.flush(); // the 354 must reach the client before it sends content (RFC 2920 §3.1)
        input.readData(decoder, sink);
        return contentEnded();
    }

    /** The session's answer to the end of a message's content, counted as accepted when it was queued. */
    private Step contentEnded() {
        int before = content.queued();
        Step step = session.contentEnded();
        if (content.queued() > before) telemetry.messageAccepted(kind);
        afterContent = true;
        return step;
    }

    private Step readChunk(long octets, ByteSink sink) throws IOException {
        input.readExactly(octets, sink);
        return contentEnded();
    }

    private Step discardChunk(Next.DiscardChunk discard) throws IOException {
        input.readExactly(discard.octets(), (b, off, len) -> { });
        return Step.reply(discard.reply(), Next.COMMAND);
    }

    /**
     * Before each read that may block: send the replies collected so far (one write per pipelined batch), then
     * arm the read timeout with the idle limit or what is left of the session's time, whichever is less
     * (RFC 5321 §4.5.3.2), so a client trickling one byte at a time cannot hold the session forever.
     */
    private void beforeRead() throws IOException {
        output.flush();
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new SocketTimeoutException("session time limit");
        long millis = Math.min(server.idleTimeout().toMillis(), Math.max(1, left / 1_000_000));
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }

    private void sendQuietly(Step step) {
        try {
            send(step);
            output.flush();
        } catch (IOException e) {
            // The peer is gone; the session ends either way.
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
            if (socket != plain) plain.close();
        } catch (IOException e) {
            // Closing a broken socket can fail; the descriptor is released regardless.
        }
    }
}
