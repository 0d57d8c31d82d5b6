package dev.tern.readers;

import dev.tern.imap.ReaderLimits;
import dev.tern.imap.SessionSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The IMAP listeners' settings (tern-app reads {@code imap.listen}, {@code imaps.listen} and friends into it).
 *
 * @param listen             STARTTLS endpoints ({@code imap})
 * @param listenTls          implicit-TLS endpoints ({@code imaps}, RFC 8314)
 * @param plaintextOnLoopback LOGIN and PLAIN without TLS for loopback clients (SMTP's {@code auth.plaintext_on_loopback};
 *                           default false)
 * @param maxConnections     open IMAP connections at most
 * @param maxPerAddress      per client address (loopback exempt)
 * @param maxPerUser         logged-in sessions per user
 * @param loginTimeout       autologout before login
 * @param idleTimeout        autologout after login (RFC 9051 §5.4: at least 30 minutes)
 * @param updateQueue        folder changes a session may have waiting before they collapse into one re-read
 */
public record ImapServerSettings(List<InetSocketAddress> listen, List<InetSocketAddress> listenTls,
        boolean plaintextOnLoopback, int maxConnections, int maxPerAddress, int maxPerUser, Duration loginTimeout,
        Duration idleTimeout, int updateQueue, SessionSettings session, ReaderLimits limits) {
    public ImapServerSettings {
        listen = List.copyOf(listen);
        listenTls = List.copyOf(listenTls);
        if (maxConnections < 1 || maxPerAddress < 1 || maxPerUser < 1 || updateQueue < 1) {
            throw new IllegalArgumentException("IMAP limits must be positive");
        }
        if (!loginTimeout.isPositive() || !idleTimeout.isPositive()) {
            throw new IllegalArgumentException("IMAP timeouts must be positive");
        }
        if (session == null || limits == null) throw new IllegalArgumentException("incomplete IMAP settings");
    }

    public static ImapServerSettings defaults() {
        return new ImapServerSettings(List.of(new InetSocketAddress("127.0.0.1", 2143)),
                List.of(new InetSocketAddress("127.0.0.1", 2993)), false, 2000, 20, 20, Duration.ofSeconds(60),
                Duration.ofMinutes(30), 1000, SessionSettings.defaults(), ReaderLimits.defaults());
    }

    public ImapServerSettings withListen(List<InetSocketAddress> plain, List<InetSocketAddress> tls) {
        return new ImapServerSettings(plain, tls, plaintextOnLoopback, maxConnections, maxPerAddress, maxPerUser,
                loginTimeout, idleTimeout, updateQueue, session, limits);
    }

    public ImapServerSettings withPlaintextOnLoopback(boolean value) {
        return new ImapServerSettings(listen, listenTls, value, maxConnections, maxPerAddress, maxPerUser,
                loginTimeout, idleTimeout, updateQueue, session, limits);
    }

    public ImapServerSettings withMaxPerUser(int value) {
        return new ImapServerSettings(listen, listenTls, plaintextOnLoopback, maxConnections, maxPerAddress, value,
                loginTimeout, idleTimeout, updateQueue, session, limits);
    }

    public ImapServerSettings withMaxConnections(int value) {
        return new ImapServerSettings(listen, listenTls, plaintextOnLoopback, value, maxPerAddress, maxPerUser,
                loginTimeout, idleTimeout, updateQueue, session, limits);
    }
}
