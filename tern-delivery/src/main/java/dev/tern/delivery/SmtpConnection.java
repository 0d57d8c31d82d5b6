package dev.tern.delivery;

import dev.tern.mail.Envelope;
import dev.tern.smtp.Reply;
import dev.tern.smtp.client.ClientNext;
import dev.tern.smtp.client.ClientReplies;
import dev.tern.smtp.client.ClientSettings;
import dev.tern.smtp.client.ClientStep;
import dev.tern.smtp.client.ContentFacts;
import dev.tern.smtp.client.DotEncoder;
import dev.tern.smtp.client.Ending;
import dev.tern.smtp.client.RcptOutcome;
import dev.tern.smtp.client.ReplyParser;
import dev.tern.smtp.client.ReplyRead;
import dev.tern.smtp.client.SmtpClientSession;
import dev.tern.smtp.client.Stage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outbound SMTP connection, top to bottom on the delivering thread: drives a pure {@link SmtpClientSession}
 * over a socket (replies read with {@link ReplyParser}, content streamed through {@link DotEncoder}), with a
 * timeout on every read (RFC 5321 §4.5.3.2), and sends one transaction, then its over-limit recipients again
 * (RFC 5321 §4.5.3.1.10). The connection comes from the {@link ConnectionCache} when one to the same address
 * under the same client settings is parked there, and goes back to it afterwards; otherwise it is opened here
 * and closed with QUIT.
 */
final class SmtpConnection {
    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
    // RFC 3463 X.4.1 "no answer from host": refused or timed out, not a connection that was lost.
    private static final Reply NO_ANSWER = Reply.of(451, "4.4.1", "No answer from the server (connection refused or timed out)");

    /**
     * What the connection did: each recipient's outcome, whether the server was reached, why it ended, and what
     * became of TLS on it (for TLS-RPT).
     */
    record Result(List<RcptOutcome> outcomes, boolean reached, Ending ending, boolean tlsHandshakeFailed,
                  boolean dsnPassedOn, TlsSeen tls) {}

    /** What happened to TLS on a connection. */
    enum TlsSeen {
        /** A parked connection was reused: no new handshake. */
        REUSED,
        /** The session ended before EHLO was answered, or TLS was not asked for (plaintext retry). */
        NOT_NEGOTIATED,
        /** The server's EHLO did not offer STARTTLS (or it refused the command). */
        NOT_OFFERED,
        HANDSHAKE_FAILED,
        ESTABLISHED
    }

    /** Where the content to send comes from: the spool, opened once per send. */
    @FunctionalInterface
    interface Content {
        InputStream open() throws IOException;
    }

    /** Parked connections that fail at once on reuse (closed meanwhile, RSET refused) before a new one is opened. */
    private static final int REUSE_TRIES = 3;

    private final RemoteSettings settings;
    private final SSLContext tls;
    private final boolean verify;
    private final boolean checkName;
    private final ConnectionCache cache;
    private final String id;
    private final String host;
    private final String tlsName;

    /**
     * @param verify    the server is authenticated (the trust is {@code tls}'s): only such a parked connection is
     *                  reused for mail that needs it
     * @param checkName ask for RFC 6125 name checking of {@code tlsName} ("HTTPS" endpoint identification)
     * @param host      for the log: "mx.example.net[192.0.2.1]"
     * @param tlsName   the server name for SNI and the certificate check
     */
    SmtpConnection(RemoteSettings settings, SSLContext tls, boolean verify, boolean checkName, ConnectionCache cache,
                   String id, String host, String tlsName) {
        this.settings = settings;
        this.tls = tls;
        this.verify = verify;
        this.checkName = checkName;
        this.cache = cache;
        this.id = id;
        this.host = host;
        this.tlsName = tlsName;
    }

    /** A connection whose certificate is name-checked exactly when it is {@code verify}'d. */
    SmtpConnection(RemoteSettings settings, SSLContext tls, boolean verify, ConnectionCache cache, String id, String host,
                   String tlsName) {
        this(settings, tls, verify, verify, cache, id, host, tlsName);
    }

    /**
     * Sends {@code envelope} to {@code address}: over a parked connection of the same key when the cache has one,
     * else over a new one. A parked connection that fails before its first reply (RSET refused, 421, closed by
     * the server) is closed and the delivery goes on at once over another; that is no failed attempt. After the
     * transaction the connection is parked for the next delivery, or closed with QUIT when its bounds are reached.
     */
    Result run(InetSocketAddress address, ClientSettings client, Envelope envelope, ContentFacts facts, Content content) {
        // The TLS check and the source address are part of what a parked connection is good for.
        var key = new ConnectionCache.Key(address, client, verify, settings.sourceAddress());
        for (int tries = 0; tries < REUSE_TRIES; tries++) {
            Optional<OpenSession> parked = cache.take(key);
            if (parked.isEmpty()) break;
            OpenSession open = parked.get();
            open.wire.label(id, host);
            log.debug("id={} host={} reusing a connection transactions={}", id, host, open.transactions);
            Optional<Result> result = converse(open, key, open.session.send(envelope, facts), envelope, facts, content, true);
            if (result.isPresent()) return result.get();
            log.info("id={} host={} cached connection unusable, opening a new one", id, host);
        }
        Socket socket = new Socket();
        OpenSession open;
        try {
            var source = settings.sourceAddress();
            // The configured source, when it is of the destination's family (an IPv4 source cannot reach IPv6).
            if (source.isPresent() && source.get().getClass() == address.getAddress().getClass()) {
                socket.bind(new InetSocketAddress(source.get(), 0));
            }
            socket.connect(address, (int) settings.connectTimeout().toMillis());
            socket.setTcpNoDelay(true);
            open = new OpenSession(socket, new Wire(socket, socket, settings, id, host), new SmtpClientSession(client),
                    System.nanoTime());
        } catch (IOException e) {
            // Connection refused or timed out before a session: nothing was decided.
            log.info("id={} host={} connect failed: {}", id, host, e.toString());
            closeQuietly(socket);
            return new Result(List.of(), false, new Ending.Abandoned(Stage.GREETING, NO_ANSWER), false, false,
                    TlsSeen.NOT_NEGOTIATED);
        }
        return converse(open, key, open.session.start(), envelope, facts, content, false).orElseThrow();
    }

    /**
     * Drives the session from {@code step} to the end of the message's transactions. Empty only when
     * {@code reused} and the parked connection failed before its RSET was answered: nothing was sent then.
     */
    private Optional<Result> converse(OpenSession open, ConnectionCache.Key key, ClientStep first, Envelope envelope,
                                      ContentFacts facts, Content content, boolean reused) {
        List<RcptOutcome> outcomes = new ArrayList<>();
        SmtpClientSession session = open.session;
        boolean reached = false;
        boolean handshakeFailed = false;
        boolean dsn = false;
        boolean kept = false;
        TlsSeen tlsSeen = reused ? TlsSeen.REUSED : TlsSeen.NOT_NEGOTIATED;
        Envelope next = envelope;
        ClientStep step = first;
        try {
            while (true) {
                open.wire.write(step);
                switch (step.next()) {
                    case ClientNext.ReadReply r -> {
                        Optional<Reply> reply = open.wire.read(r.stage());
                        if (reply.isPresent()) {
                            reached = true;
                            step = session.reply(reply.get());
                            // The EHLO before TLS said whether STARTTLS is there (RFC 3207 §4).
                            if (r.stage() == Stage.HELLO && !reused && !session.tlsActive() && tlsSeen == TlsSeen.NOT_NEGOTIATED
                                    && reply.get().code() == 250) {
                                tlsSeen = session.extensions().startTls() ? tlsSeen : TlsSeen.NOT_OFFERED;
                            }
                            if (r.stage() == Stage.STARTTLS && reply.get().code() != 220) tlsSeen = TlsSeen.NOT_OFFERED;
                        } else {
                            step = open.wire.malformed ? session.malformedReply() : session.connectionLost();
                        }
                    }
                    case ClientNext.StartTls s -> {
                        try {
                            open.wire = open.wire.secure(tls, checkName, tlsName, key.address().getPort());
                            tlsSeen = TlsSeen.ESTABLISHED;
                            step = session.tlsStarted();
                        } catch (IOException e) {
                            log.info("id={} host={} tls handshake failed: {}", id, host, e.toString());
                            handshakeFailed = true;
                            tlsSeen = TlsSeen.HANDSHAKE_FAILED;
                            step = session.tlsFailed();
                        }
                    }
                    case ClientNext.SendData d -> step = stream(session, DotEncoder.forData(open.wire.out::write), content, open.wire);
                    case ClientNext.SendChunk c -> step = stream(session, DotEncoder.forBdat(open.wire.out::write), content, open.wire);
                    case ClientNext.Ready r -> step = session.send(next, facts);
                    case ClientNext.Done d -> {
                        open.transactions++;
                        outcomes.addAll(d.outcome().recipients().stream().filter(o -> !(o instanceof RcptOutcome.OverLimit)).toList());
                        dsn |= d.outcome().dsnPassedOn();
                        var again = d.outcome().overLimit();
                        next = again.isEmpty() ? null : new Envelope(envelope.reversePath(), again, envelope.options());
                        if (next != null) {
                            step = session.send(next, facts);
                        } else if (cache.park(key, open)) {
                            kept = true;
                            return Optional.of(new Result(outcomes, reached, new Ending.Quit(), handshakeFailed, dsn, tlsSeen));
                        } else {
                            step = session.quit();
                        }
                    }
                    case ClientNext.Close c -> {
                        if (reused && outcomes.isEmpty() && stage(c.ending()) == Stage.RSET) return Optional.empty();
                        outcomes.addAll(c.transaction().recipients());
                        dsn |= c.transaction().dsnPassedOn();
                        open.wire.flushQuietly();
                        return Optional.of(new Result(outcomes, reached, c.ending(), handshakeFailed, dsn, tlsSeen));
                    }
                }
            }
        } catch (IOException e) {
            // A write failed before any flush: the buffered writes rarely do; the session is lost either way.
            log.info("id={} host={} write failed: {}", id, host, e.toString());
            if (reused && outcomes.isEmpty() && !reached) return Optional.empty();
            return Optional.of(new Result(outcomes, reached, new Ending.Abandoned(Stage.MAIL, ClientReplies.CONNECTION_LOST),
                    handshakeFailed, dsn, tlsSeen));
        } finally {
            if (!kept) open.close();
        }
    }

    private static Stage stage(Ending ending) {
        return switch (ending) {
            case Ending.Quit q -> Stage.QUIT;
            case Ending.Refused r -> r.stage();
            case Ending.Abandoned a -> a.stage();
        };
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket that never connected can fail; nothing more to do with it.
        }
    }

    private ClientStep stream(SmtpClientSession session, DotEncoder encoder, Content content, Wire io) {
        try (InputStream in = content.open()) {
            io.socket.setSoTimeout((int) settings.dataTimeout().toMillis());
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                // RFC 5321 §4.5.3.2.5: each block of data must go within the data timeout, or we give up.
                try (var deadline = Watchdog.arm(io.plain, settings.dataTimeout())) {
                    encoder.feed(buffer, 0, n);
                }
                if (encoder.failure().isPresent()) break;
            }
            if (encoder.failure().isEmpty()) {
                try (var deadline = Watchdog.arm(io.plain, settings.dataTimeout())) {
                    encoder.finish();
                }
            }
            if (encoder.failure().isPresent()) return session.bodyFailed(encoder.failure().get());
            return session.bodySent();
        } catch (IOException e) {
            return session.connectionLost();
        }
    }

    /**
     * The socket's streams and the bytes read but not yet parsed, replaced once by TLS; parked with its
     * connection, so a reply that arrives between transactions is not lost. Used by one thread at a time.
     */
    static final class Wire {
        final RemoteSettings settings;
        /** The TCP socket under any TLS: what a deadline closes (closing TLS could block on close_notify). */
        final Socket plain;
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        final ReplyParser parser = new ReplyParser();
        final byte[] buffer = new byte[8192];
        int start;
        int end;
        boolean malformed;

        String id;
        String host;

        Wire(Socket plain, Socket socket, RemoteSettings settings, String id, String host) throws IOException {
            this.settings = settings;
            this.plain = plain;
            this.id = id;
            this.host = host;
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            this.in = socket.getInputStream();
        }

        /** Names the delivery now using the connection, for the log lines. */
        void label(String id, String host) {
            this.id = id;
            this.host = host;
        }

        void write(ClientStep step) throws IOException {
            if (step.lines().isEmpty()) return;
            if (log.isDebugEnabled()) step.transcript().forEach(line -> log.debug("id={} host={} C: {}", id, host, line));
            out.write(step.wireBytes());
        }

        /**
         * One reply; empty when the connection ended, timed out, or the reply was malformed. The whole reply (and
         * the flush of what precedes it) must come within the stage's timeout, not only each read.
         */
        Optional<Reply> read(Stage stage) {
            java.time.Duration limit = stage == Stage.END_OF_DATA ? settings.dataTimeout() : settings.commandTimeout();
            try (var deadline = Watchdog.arm(plain, limit)) {
                return readWithin(stage);
            }
        }

        private Optional<Reply> readWithin(Stage stage) {
            try {
                out.flush();
                Stage timed = stage;
                socket.setSoTimeout((int) (timed == Stage.END_OF_DATA ? settings.dataTimeout() : settings.commandTimeout()).toMillis());
                ReplyParser reader = parser;
                while (true) {
                    if (start < end) {
                        ReplyRead read = reader.feed(buffer, start, end - start);
                        switch (read) {
                            case ReplyRead.Complete c -> {
                                start += c.consumed();
                                log.debug("id={} host={} S: {}", id, host, c.reply());
                                return Optional.of(c.reply());
                            }
                            case ReplyRead.Malformed m -> {
                                malformed = true;
                                log.info("id={} host={} malformed reply: {}", id, host, m.reason());
                                return Optional.empty();
                            }
                            case ReplyRead.Incomplete i -> start = end;
                        }
                    }
                    start = 0;
                    end = in.read(buffer);
                    if (end < 0) {
                        end = 0;
                        return Optional.empty();
                    }
                }
            } catch (IOException e) {
                log.info("id={} host={} read failed: {}", id, host, e.toString());
                return Optional.empty();
            }
        }

        Wire secure(SSLContext tls, boolean verify, String name, int port) throws IOException {
            out.flush();
            SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, name, port, true);
            if (verify) {
                // RFC 6125 host name matching, as HTTPS does it: the certificate must name the MX host.
                var parameters = secured.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secured.setSSLParameters(parameters);
            }
            secured.setSoTimeout((int) settings.commandTimeout().toMillis());
            try (var deadline = Watchdog.arm(plain, settings.commandTimeout())) {
                secured.startHandshake();
            }
            log.info("id={} host={} tls protocol={} cipher={}", id, host, secured.getSession().getProtocol(),
                    secured.getSession().getCipherSuite());
            return new Wire(plain, secured, settings, id, host);
        }

        void flushQuietly() {
            try {
                out.flush();
            } catch (IOException e) {
                // The server is gone; QUIT was only a courtesy.
            }
        }
    }
}
