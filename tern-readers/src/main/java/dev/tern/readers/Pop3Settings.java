package dev.tern.readers;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The POP3 listeners' settings; only tern-app reads them from the config.
 *
 * @param listen                 {@code pop3.listen}: plaintext with STLS (RFC 2595); empty for none
 * @param listenTls              {@code pop3s.listen}: implicit TLS (RFC 8314 §3.3); empty for none
 * @param maxConnections         open POP3 connections at most, both listeners together
 * @param maxPerAddress          per client address (loopback and {@code exemptNetworks} not counted)
 * @param exemptNetworks         CIDRs free of the per-address limit
 * @param loginTimeout           autologout before login: a client that does not log in soon is dropped
 * @param idleTimeout            autologout after login; RFC 1939 §3: at least 10 minutes
 * @param handshakeTimeout       bounds a TLS handshake (implicit or after STLS)
 * @param plaintextOnLoopback    USER/PASS and AUTH without TLS for clients on a loopback address (the same
 *                               option as SMTP's {@code plaintext_on_loopback}; default false)
 * @param maxErrors              bad commands and failed logins before the connection is closed
 */
public record Pop3Settings(List<InetSocketAddress> listen, List<InetSocketAddress> listenTls, int maxConnections,
                           int maxPerAddress, List<String> exemptNetworks, Duration loginTimeout, Duration idleTimeout,
                           Duration handshakeTimeout, boolean plaintextOnLoopback, int maxErrors) {
    /** RFC 1939 §3: "the autologout timer MUST be of at least 10 minutes' duration". */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public Pop3Settings {
        if (listen == null || listenTls == null || exemptNetworks == null || loginTimeout == null || idleTimeout == null
                || handshakeTimeout == null) {
            throw new IllegalArgumentException("incomplete POP3 settings");
        }
        listen = List.copyOf(listen);
        listenTls = List.copyOf(listenTls);
        exemptNetworks = List.copyOf(exemptNetworks);
        if (maxConnections < 1 || maxPerAddress < 1 || maxErrors < 1) throw new IllegalArgumentException("limits must be positive");
        if (!loginTimeout.isPositive() || !handshakeTimeout.isPositive()) throw new IllegalArgumentException("timeouts must be positive");
        if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
            throw new IllegalArgumentException("RFC 1939 §3: the idle timeout is at least 10 minutes");
        }
    }

    /** 127.0.0.1:2110 and 127.0.0.1:2995; 1,000 connections, 20 per address; 1 minute to log in, 10 idle. */
    public static Pop3Settings defaults() {
        return new Pop3Settings(List.of(new InetSocketAddress("127.0.0.1", 2110)),
                List.of(new InetSocketAddress("127.0.0.1", 2995)), 1000, 20, List.of("127.0.0.0/8", "::1/128"),
                Duration.ofMinutes(1), MIN_IDLE_TIMEOUT, Duration.ofSeconds(30), false, 10);
    }

    public Pop3Settings withListen(List<InetSocketAddress> value) {
        return new Pop3Settings(value, listenTls, maxConnections, maxPerAddress, exemptNetworks, loginTimeout,
                idleTimeout, handshakeTimeout, plaintextOnLoopback, maxErrors);
    }

    public Pop3Settings withListenTls(List<InetSocketAddress> value) {
        return new Pop3Settings(listen, value, maxConnections, maxPerAddress, exemptNetworks, loginTimeout,
                idleTimeout, handshakeTimeout, plaintextOnLoopback, maxErrors);
    }

    public Pop3Settings withLoginTimeout(Duration value) {
        return new Pop3Settings(listen, listenTls, maxConnections, maxPerAddress, exemptNetworks, value,
                idleTimeout, handshakeTimeout, plaintextOnLoopback, maxErrors);
    }

    public Pop3Settings withPlaintextOnLoopback(boolean value) {
        return new Pop3Settings(listen, listenTls, maxConnections, maxPerAddress, exemptNetworks, loginTimeout,
                idleTimeout, handshakeTimeout, value, maxErrors);
    }

    public Pop3Settings withMaxErrors(int value) {
        return new Pop3Settings(listen, listenTls, maxConnections, maxPerAddress, exemptNetworks, loginTimeout,
                idleTimeout, handshakeTimeout, plaintextOnLoopback, value);
    }

    public Pop3Settings withMaxConnections(int value) {
        return new Pop3Settings(listen, listenTls, value, maxPerAddress, exemptNetworks, loginTimeout, idleTimeout,
                handshakeTimeout, plaintextOnLoopback, maxErrors);
    }
}
