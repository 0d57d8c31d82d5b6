package dev.tern.server;

import dev.tern.mail.QueueId;
import dev.tern.smtp.DotDecoder;
import dev.tern.smtp.Next;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Reply;
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
    private final Socket socket;
    private final ServerSettings server;
    private final SessionSettings settings;
    private final Spool spool;
    private final SmtpSession session;
    private final SmtpInput input;
    private final ReplyWriter output;
    private final long deadline;
    private volatile boolean stopping;
    private int messages;

    Connection(String id, Socket socket, ServerSettings server, SessionSettings settings, RecipientPolicy policy,
               Spool spool) throws IOException {
        this.id = id;
        this.socket = socket;
        this.server = server;
        this.settings = settings;
        this.spool = spool;
        this.session = new SmtpSession(settings, policy, socket.getInetAddress().getHostAddress());
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
            Next next = send(session.greeting());
            while (!(next instanceof Next.Close)) {
                next = send(switch (next) {
                    case Next.ReadCommand c -> readCommand();
                    case Next.ReadData d -> readData(d);
                    case Next.ReadChunk c -> readChunk(c);
                    case Next.DiscardChunk d -> discardChunk(d);
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
        } catch (IOException e) {
            end = "i/o error: " + e.getMessage();
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
            socket.shutdownInput();
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

    private Step readData(Next.ReadData data) throws IOException {
        output.flush(); // the 354 must reach the client before it sends content (RFC 2920 §3.1)
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
        return new Incoming(writer, server.maxHeaderSize(), session.receivedHeader(writer.id(), ZonedDateTime.now()));
    }

    private void abortChunks() {
        if (chunked != null) chunked.close();
        chunked = null;
    }

    private Step store(Incoming message) {
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
        } catch (IOException e) {
            // Closing a broken socket can fail; the descriptor is released regardless.
        }
    }
}
