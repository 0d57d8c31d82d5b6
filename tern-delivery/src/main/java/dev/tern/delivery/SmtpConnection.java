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
import java.time.Duration;
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
 * (RFC 5321 §4.5.3.1.10), then QUIT.
 */
final class SmtpConnection {
    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
    private static final Reply NO_ANSWER = Reply.of(451, "4.4.1", "No answer from the server (connection refused or timed out)");

    /** What the connection did: each recipient's outcome, whether the server was reached, and why it ended. */
    record Result(List<RcptOutcome> outcomes, boolean reached, Ending ending, boolean tlsHandshakeFailed,
                  boolean dsnPassedOn) {}

    /** Where the content to send comes from: the spool, opened once per send. */
    @FunctionalInterface
    interface Content {
        InputStream open() throws IOException;
    }

    private final RemoteSettings settings;
    private final SSLContext tls;
    private final boolean verify;
    private final String id;
    private final String host;
    private final String tlsName;

    /**
     * @param verify  check that the certificate names {@code tlsName} (the trust is {@code tls}'s)
     * @param host    for the log: "mx.example.net[192.0.2.1]"
     * @param tlsName the server name for SNI and the certificate check
     */
    SmtpConnection(RemoteSettings settings, SSLContext tls, boolean verify, String id, String host, String tlsName) {
        this.settings = settings;
        this.tls = tls;
        this.verify = verify;
        this.id = id;
        this.host = host;
        this.tlsName = tlsName;
    }

    Result run(InetSocketAddress address, ClientSettings client, Envelope envelope, ContentFacts facts, Content content) {
        List<RcptOutcome> outcomes = new ArrayList<>();
        boolean reached = false;
        SmtpClientSession session = new SmtpClientSession(client);
        Socket socket = new Socket();
        try {
            var source = settings.sourceAddress();
            // The configured source, when it is of the destination's family (an IPv4 source cannot reach IPv6).
            if (source.isPresent() && source.get().getClass() == address.getAddress().getClass()) {
                socket.bind(new InetSocketAddress(source.get(), 0));
            }
            try {
                socket.connect(address, (int) settings.connectTimeout().toMillis());
            } catch (IOException e) {
                // RFC 3463 X.4.1 "no answer from host": refused or timed out, not a connection that was lost.
                log.info("id={} host={} connect failed: {}", id, host, e.toString());
                return new Result(outcomes, false, new Ending.Abandoned(Stage.GREETING, NO_ANSWER), false, false);
            }
            socket.setTcpNoDelay(true);
            var io = new Io(socket, socket);
            Envelope next = envelope;
            ClientStep step = session.start();
            boolean handshakeFailed = false;
            boolean dsn = false;
            while (true) {
                io.write(step);
                switch (step.next()) {
                    case ClientNext.ReadReply r -> {
                        Optional<Reply> reply = io.read(r.stage());
                        if (reply.isPresent()) {
                            reached = true;
                            step = session.reply(reply.get());
                        } else {
                            step = io.malformed ? session.malformedReply() : session.connectionLost();
                        }
                    }
                    case ClientNext.StartTls s -> {
                        try {
                            io = io.secure(tlsName, address.getPort());
                            step = session.tlsStarted();
                        } catch (IOException e) {
                            log.info("id={} host={} tls handshake failed: {}", id, host, e.toString());
                            handshakeFailed = true;
                            step = session.tlsFailed();
                        }
                    }
                    case ClientNext.SendData d -> step = stream(session, DotEncoder.forData(io.out::write), content, io);
                    case ClientNext.SendChunk c -> step = stream(session, DotEncoder.forBdat(io.out::write), content, io);
                    case ClientNext.Ready r -> step = next == null ? session.quit() : session.send(next, facts);
                    case ClientNext.Done d -> {
                        outcomes.addAll(d.outcome().recipients().stream().filter(o -> !(o instanceof RcptOutcome.OverLimit)).toList());
                        dsn |= d.outcome().dsnPassedOn();
                        var again = d.outcome().overLimit();
                        next = again.isEmpty() ? null : new Envelope(envelope.reversePath(), again, envelope.options());
                        step = next == null ? session.quit() : session.send(next, facts);
                    }
                    case ClientNext.Close c -> {
                        outcomes.addAll(c.transaction().recipients());
                        dsn |= c.transaction().dsnPassedOn();
                        io.flushQuietly();
                        return new Result(outcomes, reached, c.ending(), handshakeFailed, dsn);
                    }
                }
            }
        } catch (IOException e) {
            // The connection broke while writing: nothing was decided.
            log.info("id={} host={} write failed: {}", id, host, e.toString());
            return new Result(outcomes, reached, new Ending.Abandoned(Stage.GREETING, ClientReplies.CONNECTION_LOST), false,
                    false);
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a broken socket can fail; nothing more to do with it.
            }
        }
    }

    private ClientStep stream(SmtpClientSession session, DotEncoder encoder, Content content, Io io) {
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

    /** The socket's streams, replaced once by TLS. */
    private final class Io {
        final Socket plain;
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        final ReplyParser parser = new ReplyParser();
        final byte[] buffer = new byte[8192];
        int start;
        int end;
        boolean malformed;

        Io(Socket plain, Socket socket) throws IOException {
            this.plain = plain;
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            this.in = socket.getInputStream();
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
            Duration limit = stage == Stage.END_OF_DATA ? settings.dataTimeout() : settings.commandTimeout();
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

        Io secure(String name, int port) throws IOException {
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
            return new Io(plain, secured);
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
