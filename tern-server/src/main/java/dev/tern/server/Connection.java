package dev.tern.server;

import dev.tern.mail.QueueId;
import dev.tern.smtp.ChannelBinding;
import dev.tern.smtp.DotDecoder;
import dev.tern.smtp.Next;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Reply;
import dev.tern.smtp.SecurityProfile;
import dev.tern.smtp.SessionSettings;
import dev.tern.smtp.SmtpSession;
import dev.tern.smtp.Step;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolFullException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.ZonedDateTime;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLKeyException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection, top to bottom on its own virtual thread: read, ask the session, write, repeat. The
 * session decides; this class only moves bytes, watches the clock and stores accepted content in the spool.
 */
final class Connection {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    static final Reply LOOP = Reply.of(554, "5.4.6", "Too many Received: headers, mail loop suspected");
    static final Reply HEADER_TOO_LARGE = Reply.of(552, "5.3.4", "Message header section too large");
    static final Reply STORAGE_FULL = Reply.of(452, "4.3.1", "Insufficient system storage, try again later");
    static final Reply STORAGE_FAILED = Reply.of(451, "4.3.0", "Local error in processing, try again later");

    private final String id;
    private final Socket plain;
    private final ServerSettings server;
    private final SessionSettings settings;
    private final Spool spool;
    private final SmtpSession session;
    private final SecurityProfile security;
    private final TlsHandshake tls;
    // Replaced once, when TLS starts: the TLS socket and streams over the plain one.
    private Socket socket;
    private SmtpInput input;
    private ReplyWriter output;
    private final long deadline;
    private volatile boolean stopping;
    private int messages;

    Connection(String id, Socket socket, ServerSettings server, SessionSettings settings, RecipientPolicy policy,
               Spool spool) throws IOException {
        this(id, socket, server, settings, policy, spool, SecurityProfile.PLAIN, TlsHandshake.NONE);
    }

    /** {@code tls} is used when {@code security} offers STARTTLS or is implicit TLS; nothing TLS exists before. */
    Connection(String id, Socket socket, ServerSettings server, SessionSettings settings, RecipientPolicy policy,
               Spool spool, SecurityProfile security, TlsHandshake tls) throws IOException {
        this.id = id;
        this.plain = socket;
        this.socket = socket;
        this.server = server;
        this.settings = settings;
        this.spool = spool;
        this.security = security;
        this.tls = tls;
        this.session = new SmtpSession(settings, policy, socket.getInetAddress().getHostAddress(), security);
        this.output = new ReplyWriter(socket.getOutputStream());
        this.input = new SmtpInput(socket.getInputStream(), this::beforeRead);
        this.deadline = System.nanoTime() + server.sessionTimeout().toNanos();
    }

    /** Serves the session until it ends; I/O failures end it, and are logged once. */
    void serve() {
        long started = System.nanoTime();
        String end = "quit";
        try {
            socket.setTcpNoDelay(true); // replies are already coalesced per batch; Nagle would only add delay
            // RFC 8314 §3.3: on an implicit TLS port the handshake comes first, before the greeting.
            if (security.implicitTls()) session.implicitTlsStarted(startTls());
            Next next = send(session.greeting());
            while (!(next instanceof Next.Close)) {
                next = send(switch (next) {
                    case Next.ReadCommand c -> readCommand();
                    case Next.ReadData d -> readData(d);
                    case Next.ReadChunk c -> readChunk(c);
                    case Next.DiscardChunk d -> discardChunk(d);
                    case Next.StartTls s -> session.tlsStarted(startTls());
                    case Next.ReadAuthResponse r -> readAuthResponse();
                    case Next.Close c -> throw new IllegalStateException("unreachable");
                });
                if (next == null) {
                    end = "client closed";
                    break;
                }
            }
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
            sendQuietly(Step.reply(Reply.of(421, "4.3.0", "Internal error, closing connection"), Next.CLOSE));
        } finally {
            closeQuietly();
            log.info("conn={} disconnect reason=\"{}\" messages={} ms={}", id, end, messages,
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
        return step.next();
    }

    private Step readCommand() throws IOException {
        return switch (input.readLine(server.maxCommandLine())) {
            case SmtpInput.Line.Text t -> session.command(t.text());
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
            throw new HandshakeFailed(e);
        }
        socket = secured;
        output = new ReplyWriter(secured.getOutputStream());
        input = new SmtpInput(secured.getInputStream(), this::beforeRead);
        log.info("conn={} tls protocol={} cipher={}", id, secured.getSession().getProtocol(),
                secured.getSession().getCipherSuite());
        return channelBinding(secured.getSession());
    }

    /**
     * RFC 9266: the {@code tls-exporter} channel binding, 32 octets exported with label
     * {@code "EXPORTER-Channel-Binding"} and no (empty: the same in TLS 1.3, RFC 8446 §7.5) context. Only under
     * TLS 1.3: RFC 9266 §3 allows TLS 1.2 only with the extended master secret, which JSSE does not report.
     */
    private ChannelBinding channelBinding(SSLSession tlsSession) {
        if (!"TLSv1.3".equals(tlsSession.getProtocol()) || !(tlsSession instanceof ExtendedSSLSession extended)) {
            return ChannelBinding.NONE;
        }
        try {
            return new ChannelBinding.TlsExporter(extended.exportKeyingMaterialData("EXPORTER-Channel-Binding", new byte[0], 32));
        } catch (SSLKeyException | UnsupportedOperationException e) {
            log.info("conn={} no tls-exporter channel binding: {}", id, e.toString());
            return ChannelBinding.NONE;
        }
    }

    /** The handshake failed: the client cannot be answered in plaintext any more, so the connection just closes. */
    private static final class HandshakeFailed extends IOException {
        HandshakeFailed(IOException cause) {
            super(cause);
        }
    }

    private Step readData(Next.ReadData data) throws IOException {
        output.flush(); // the 354 must reach the client before it sends content (RFC 2920 §3.1)
        abortChunks(); // chunks of an abandoned BDAT transaction, if any, are not part of this message
        try (Incoming message = begin()) {
            DotDecoder decoder = new DotDecoder(data.maxOctets(), server.maxTextLine() - 2);
            input.readData(decoder, message);
            if (decoder.failure().isPresent()) return session.messageRejected(decoder.failure().get());
            return store(message);
        }
    }

    /** The BDAT message being received (RFC 3030): it spans several commands. */
    private Incoming chunked;

    private Step readChunk(Next.ReadChunk chunk) throws IOException {
        // RFC 3030 §3: a transaction ended by RSET, EHLO or STARTTLS takes its chunks with it; they must never
        // become the start of the next message (nor cross into a TLS session).
        if (chunk.first()) abortChunks();
        if (chunked == null) chunked = begin();
        input.readExactly(chunk.octets(), chunked);
        if (!chunk.last()) return session.chunkReceived(chunk.octets());
        try {
            return store(chunked);
        } finally {
            abortChunks();
        }
    }

    private Step discardChunk(Next.DiscardChunk discard) throws IOException {
        abortChunks();
        input.readExactly(discard.octets(), (b, off, len) -> { });
        return Step.reply(discard.reply(), Next.COMMAND);
    }

    private Incoming begin() throws IOException {
        MessageWriter writer = spool.begin();
        ZonedDateTime now = ZonedDateTime.now();
        // RFC 6409 §8.2, §8.3: an authenticated client is submitting, so missing Date:/Message-ID: are added;
        // relayed mail is never changed.
        Optional<String> submissionHost = session.authenticatedUser().map(user -> settings.hostname());
        return new Incoming(writer, server.maxHeaderSize(), session.receivedHeader(writer.id(), now), submissionHost, now);
    }

    private void abortChunks() {
        if (chunked != null) chunked.close();
        chunked = null;
    }

    private Step store(Incoming message) {
        message.finish();
        if (message.failure().isPresent()) return storageFailed(message.failure().get());
        // RFC 5321 §6.3: a message that has passed too many hops is looping.
        if (message.headers().receivedCount() >= settings.maxReceivedHeaders()) return session.messageRejected(LOOP);
        if (message.headers().headerTooLarge()) return session.messageRejected(HEADER_TOO_LARGE);
        var envelope = session.envelope();
        MessageWriter writer = message.writer();
        try {
            writer.commit(envelope);
        } catch (IOException e) {
            return storageFailed(e);
        }
        QueueId queueId = writer.id();
        messages++;
        log.info("conn={} queued id={} from={} rcpts={} size={}", id, queueId, envelope.reversePath(),
                envelope.recipients().size(), writer.size());
        return session.messageReceived(queueId);
    }

    // The client keeps the message and tries again later: 452 4.3.1 for a full disk, else 451 4.3.0 (RFC 3463).
    private Step storageFailed(IOException e) {
        if (e instanceof SpoolFullException) {
            log.warn("conn={} spool full: {}", id, e.getMessage());
            return session.messageRejected(STORAGE_FULL);
        }
        log.error("conn={} spool write failed: {}", id, e.toString());
        return session.messageRejected(STORAGE_FAILED);
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
        abortChunks();
        try {
            socket.close();
            if (socket != plain) plain.close();
        } catch (IOException e) {
            // Closing a broken socket can fail; the descriptor is released regardless.
        }
    }
}
