package dev.tern.net;

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
    private Socket socket;
    private ChannelBinding channelBinding = ChannelBinding.NONE;

    NetConnection(String id, Socket plain, TlsContext tls, NetListener owner) {
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

    /** The listener's name ({@code imap}, {@code pop3s}, ...). */
    public String listener() {
        return owner.name();
    }

    /** The stream to read from now; after {@link #startTls()} a new one, so callers fetch it again. */
    public InputStream in() throws IOException {
        return socket.getInputStream();
    }

    /** The stream to write to now; after {@link #startTls()} a new one. */
    public OutputStream out() throws IOException {
        return socket.getOutputStream();
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
        SSLSocket secured = tls.handshake(plain);
        socket = secured;
        channelBinding = channelBinding(id, secured.getSession());
        log.info("conn={} tls protocol={} cipher={}", id, secured.getSession().getProtocol(),
                secured.getSession().getCipherSuite());
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
