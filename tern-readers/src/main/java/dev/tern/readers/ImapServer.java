package dev.tern.readers;

import dev.tern.auth.Usernames;
import dev.tern.imap.FolderAccess;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Telemetry;
import dev.tern.net.NetListener;
import dev.tern.sasl.Credentials;
import dev.tern.store.MailStore;
import dev.tern.tls.TlsContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The IMAP listeners ({@code imap} with STARTTLS, {@code imaps} with implicit TLS) on tern-net's
 * {@link NetListener}: a virtual thread per connection runs an {@link ImapConnection}. Owns the listener's
 * threads; {@link #close} stops them. Sessions per user are counted here, across both endpoints.
 */
public final class ImapServer implements AutoCloseable {
    private final ImapServerSettings settings;
    private final NetListener listener;
    private final FolderAccess folders;
    private final Function<InetAddress, Credentials> credentials;
    private final ConcurrentHashMap<String, Integer> sessionsPerUser = new ConcurrentHashMap<>();

    /**
     * @param store       where users' folders are ({@link MailStore#folders})
     * @param credentials the accounts as one client address may try them (tern-auth's {@code AuthThrottle::forClient})
     */
    public ImapServer(ImapServerSettings settings, MailStore store, Function<InetAddress, Credentials> credentials, TlsContext tls) {
        this(settings, store, credentials, tls, Telemetry.NONE);
    }

    /** As above; {@code telemetry} hears of each connection and TLS handshake. */
    public ImapServer(ImapServerSettings settings, MailStore store, Function<InetAddress, Credentials> credentials,
                      TlsContext tls, Telemetry telemetry) {
        this.settings = settings;
        this.credentials = credentials;
        this.folders = user -> store.folders(mailbox(user));
        List<NetListener.Endpoint> endpoints = new ArrayList<>();
        for (InetSocketAddress a : settings.listen()) endpoints.add(new NetListener.Endpoint("imap", a, false));
        for (InetSocketAddress a : settings.listenTls()) endpoints.add(new NetListener.Endpoint("imaps", a, true));
        this.listener = new NetListener(new NetListener.Settings("imap", endpoints, settings.maxConnections(),
                settings.maxPerAddress(), List.of("127.0.0.0/8", "::1/128"), "* BYE Too many connections, try again later",
                "* BYE Too many connections from your address", Duration.ofSeconds(30), 1024),
                tls, connection -> new ImapConnection(connection, this).serve(), telemetry);
    }

    private static Mailbox mailbox(String user) throws IOException {
        String canonical = Usernames.canonical(user).orElseThrow(() -> new IOException("not a mailbox name: " + user));
        int at = canonical.lastIndexOf('@');
        return Mailbox.of(canonical.substring(0, at), canonical.substring(at + 1));
    }

    public void start() throws IOException {
        listener.start();
    }

    /** Where {@code kind} ({@code imap} or {@code imaps}) listens: the bound ports when port 0 was asked for. */
    public List<InetSocketAddress> addresses(String kind) {
        return listener.addresses(kind);
    }

    ImapServerSettings settings() {
        return settings;
    }

    FolderAccess folders() {
        return folders;
    }

    Credentials credentials(InetAddress client) {
        return credentials.apply(client);
    }

    /** Counts a logged-in session of {@code user}; false (and nothing counted) when the user has too many. */
    boolean admit(String user) {
        boolean[] admitted = {false};
        // One count per account however its name was typed (Alice@, ALICE@ are one mailbox: found by review).
        sessionsPerUser.compute(key(user), (u, n) -> {
            int now = n == null ? 0 : n;
            if (now >= settings.maxPerUser()) return n;
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    private static String key(String user) {
        return Usernames.canonical(user).orElse(user);
    }

    void release(String user) {
        sessionsPerUser.computeIfPresent(key(user), (u, n) -> n <= 1 ? null : n - 1);
    }

    @Override
    public void close() {
        listener.close();
    }
}
