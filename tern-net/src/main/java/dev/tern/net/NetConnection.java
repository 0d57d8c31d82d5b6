package dev.tern.net;

import dev.tern.mail.Telemetry;
import dev.tern.sasl.ChannelBinding;
import dev.tern.tls.TlsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLKeyException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection as a protocol's loop sees it: its streams (plain, or TLS after {@link #startTls()} or
 * on an implicit-TLS listener), the client's address and the TLS facts SASL needs. Used by one thread.
 */
public final class NetConnection {
    private static final Logger log = LoggerFactory.getLogger(NetConnection.class);

    private final String id;
    private final Socket plain;
    private final TlsContext tls;
    private final NetListener owner;
    private final String kind;
    private final Telemetry telemetry;
    private Socket socket;
    /** When the write under way began ({@link System#nanoTime()}), or 0 between writes: the watchdog's view. */
    private volatile long writingSince;
    private volatile long writeTimeoutNanos = DEFAULT_WRITE_TIMEOUT.toNanos();

    /**
     * How long one write may block on a client that does not read (its TCP window full) before the connection is
     * closed under it: a socket's timeout bounds reads only.
     */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofMinutes(5);
    private ChannelBinding channelBinding = ChannelBinding.NONE;

    NetConnection(String id, Socket plain, TlsContext tls, NetListener owner, String kind, Telemetry telemetry) {
        this.kind = kind;
        this.telemetry = telemetry;
        this.id = id;
        this.plain = plain;
        this.socket = plain;
        this.tls = tls;
        this.owner = owner;
    }

    /** A short id for log lines ({@code conn=...}), unique per process. */
    public String id() {
        return id;
    }

    public InetAddress client() {
        return plain.getInetAddress();
    }

    /** The kind of endpoint it came in on ({@code imap}, {@code imaps}, {@code smtp}, ...). */
    public String listener() {
        return kind;
    }

    /**
     * The accepted socket itself, for a loop that makes its own TLS (SMTP's): others use {@link #in()},
     * {@link #out()} and {@link #startTls()}.
     */
    public Socket plainSocket() {
        return plain;
    }

    /** The stream to read from now; after {@link #startTls()} a new one, so callers fetch it again. */
    public InputStream in() throws IOException {
        return socket.getInputStream();
    }

    /** The stream to write to now; after {@link #startTls()} a new one. */
    public OutputStream out() throws IOException {
        OutputStream raw = socket.getOutputStream();
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writingSince = Math.max(1, System.nanoTime());
                try {
                    raw.write(b, off, len);
                } finally {
                    writingSince = 0;
                }
            }

            @Override
            public void flush() throws IOException {
                raw.flush();
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        };
    }

    /** Bounds each write from now on (default {@link #DEFAULT_WRITE_TIMEOUT}); checked about once a second. */
    public void writeTimeout(Duration timeout) {
        if (!timeout.isPositive()) throw new IllegalArgumentException("write timeout must be positive");
        writeTimeoutNanos = timeout.toNanos();
    }

    /** True when a write has blocked longer than the write timeout at {@code now}. */
    boolean writeStuck(long now) {
        long since = writingSince;
        return since != 0 && now - since > writeTimeoutNanos;
    }

    public boolean secure() {
        return socket instanceof SSLSocket;
    }

    /** RFC 9266 {@code tls-exporter} under TLS 1.3, else {@link ChannelBinding#NONE}. */
    public ChannelBinding channelBinding() {
        return channelBinding;
    }

    /** Bounds each read from now on (the protocol's autologout timer); zero is no bound. */
    public void readTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /** True once the server is shutting down: a loop between commands says goodbye (BYE, {@code -ERR}) and ends. */
    public boolean closing() {
        return owner.isClosing();
    }

    /**
     * Makes the server side of a TLS handshake over this connection (STARTTLS, STLS, or an implicit-TLS listener
     * before the greeting). The caller has written its reply and must throw away whatever it buffered from the
     * plain stream (RFC 3207 §4.2, RFC 2595 §3.1; CVE-2011-0411: a command pipelined after STARTTLS must not be
     * taken as if it came over TLS). A failed handshake is an {@link IOException}: the connection is beyond use.
     */
    public void startTls() throws IOException {
        if (secure()) throw new IllegalStateException("TLS is on already");
        SSLSocket secured;
        try {
            secured = tls.handshake(plain);
        } catch (IOException | RuntimeException e) {
            telemetry.tlsHandshake(kind, "", false);
            throw e;
        }
        telemetry.tlsHandshake(kind, secured.getSession().getProtocol(), true);
        socket = secured;
        channelBinding = channelBinding(id, secured.getSession());
        log.info("conn={} tls protocol={} cipher={}", id, secured.getSession().getProtocol(),
                secured.getSession().getCipherSuite());
    }

    /** Makes a blocked read return end-of-stream (the plain socket's input: TLS or not). */
    void shutdownInput() {
        try {
            plain.shutdownInput();
        } catch (IOException e) {
            // Closed already: the connection is ending anyway.
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // A broken socket: its descriptor is released either way.
        }
        if (socket != plain) {
            try {
                plain.close();
            } catch (IOException e) {
                // As above.
            }
        }
    }

    /**
     * RFC 9266: the {@code tls-exporter} channel binding, 32 octets exported with label
     * {@code "EXPORTER-Channel-Binding"} and an empty context. Only under TLS 1.3: RFC 9266 §3 allows TLS 1.2
     * only with the extended master secret, which JSSE does not report.
     */
    public static ChannelBinding channelBinding(String id, SSLSession session) {
        if (!"TLSv1.3".equals(session.getProtocol()) || !(session instanceof ExtendedSSLSession extended)) {
            return ChannelBinding.NONE;
        }
        try {
            return new ChannelBinding.TlsExporter(extended.exportKeyingMaterialData("EXPORTER-Channel-Binding", new byte[0], 32));
        } catch (SSLKeyException | UnsupportedOperationException e) {
            log.info("conn={} no tls-exporter channel binding: {}", id, e.toString());
            return ChannelBinding.NONE;
        }
    }
}
