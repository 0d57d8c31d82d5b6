package dev.tern.readers;

import dev.tern.auth.Usernames;
import dev.tern.mail.Mailbox;
import dev.tern.net.NetConnection;
import dev.tern.mail.Telemetry;
import dev.tern.net.NetListener;
import dev.tern.pop3.MaildropLocks;
import dev.tern.pop3.Pop3Profile;
import dev.tern.pop3.Pop3Session;
import dev.tern.sasl.Credentials;
import dev.tern.store.MailStore;
import dev.tern.tls.TlsContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The POP3 listeners, {@code pop3} (STLS) and {@code pop3s} (implicit TLS), over tern-net's {@link NetListener}:
 * one virtual thread per connection runs a {@link Pop3Connection}. All sessions share one {@link MaildropLocks},
 * so a user has one POP3 session at a time. Owns the listeners' threads; {@link #close()} stops them.
 */
public final class Pop3Server implements AutoCloseable {
    private final Pop3Settings settings;
    private final MailStore store;
    private final Function<InetAddress, Credentials> credentials;
    private final MaildropLocks locks = new MaildropLocks();
    private final NetListener listener;

    /**
     * @param credentials the checks one client address gets, throttled (tern-auth's {@code AuthThrottle::forClient})
     */
    public Pop3Server(Pop3Settings settings, MailStore store, Function<InetAddress, Credentials> credentials,
                      TlsContext tlsContext) {
        this(settings, store, credentials, tlsContext, Telemetry.NONE);
    }

    /** As above; {@code telemetry} hears of each connection and TLS handshake. */
    public Pop3Server(Pop3Settings settings, MailStore store, Function<InetAddress, Credentials> credentials,
                      TlsContext tlsContext, Telemetry telemetry) {
        if (settings == null || store == null || credentials == null || tlsContext == null) {
            throw new IllegalArgumentException("settings, store, credentials and TLS are required");
        }
        this.settings = settings;
        this.store = store;
        this.credentials = credentials;
        List<NetListener.Endpoint> endpoints = new ArrayList<>();
        for (InetSocketAddress a : settings.listen()) endpoints.add(new NetListener.Endpoint("pop3", a, false));
        for (InetSocketAddress a : settings.listenTls()) endpoints.add(new NetListener.Endpoint("pop3s", a, true));
        // One set of limits for both listeners, as IMAP's and SMTP's.
        this.listener = new NetListener(new NetListener.Settings("pop3", endpoints, settings.maxConnections(),
                settings.maxPerAddress(), settings.exemptNetworks(),
                "-ERR [SYS/TEMP] too many connections; try again later",
                "-ERR [SYS/TEMP] too many connections from your address; try again later",
                settings.handshakeTimeout(), 1024), tlsContext, c -> serve(c, c.listener().equals("pop3s")), telemetry);
    }

    public void start() throws IOException {
        listener.start();
    }

    /** Where {@code pop3} listens (port 0 in the settings: the port chosen). */
    public List<InetSocketAddress> addresses() {
        return listener.addresses("pop3");
    }

    /** Where {@code pop3s} listens. */
    public List<InetSocketAddress> tlsAddresses() {
        return listener.addresses("pop3s");
    }

    /** Whether a POP3 session holds {@code mailbox}'s lock now (diagnostics, tests). */
    public boolean isLocked(Mailbox mailbox) {
        return locks.isLocked(mailbox);
    }

    private void serve(NetConnection connection, boolean implicitTls) throws IOException {
        InetAddress client = connection.client();
        // RFC 8314 §3 wants passwords encrypted; plaintext login is a local convenience, off by default.
        boolean plaintext = settings.plaintextOnLoopback() && client.isLoopbackAddress();
        Pop3Profile profile = new Pop3Profile(!implicitTls, implicitTls, plaintext, credentials.apply(client),
                Pop3Server::mailbox, settings.maxErrors());
        new Pop3Connection(connection, new Pop3Session(profile, store, locks), settings).serve();
    }

    /** An account name (an address, any case) is the mailbox of its canonical form. */
    static Optional<Mailbox> mailbox(String username) {
        return Usernames.canonical(username).map(name -> {
            int at = name.lastIndexOf('@');
            return Mailbox.of(name.substring(0, at), name.substring(at + 1));
        });
    }

    public void close(Duration grace) {
        listener.close(grace);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
