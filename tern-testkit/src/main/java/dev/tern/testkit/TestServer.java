package dev.tern.testkit;

import dev.tern.dns.DnsSettings;
import java.time.Duration;

import dev.tern.app.Tern;
import dev.tern.app.TernConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** The whole server on 127.0.0.1 with an ephemeral port and its data in {@code dataDirectory}. */
public final class TestServer implements AutoCloseable {
    private final Tern tern;
    private final TernConfig config;

    private TestServer(TernConfig config) {
        this.config = config;
        this.tern = new Tern(config);
    }

    /** Starts with the built-in defaults (domain localhost, any local part is a user), adjusted by {@code change}. */
    public static TestServer start(Path dataDirectory, UnaryOperator<TernConfig> change) {
        TernConfig base = TernConfig.loopbackOnly(dataDirectory);
        TestServer server = new TestServer(loopbackDnsOnly(ephemeralReaders(change.apply(base))));
        try {
            server.tern.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return server;
    }

    /**
     * A test that built its own configuration from the older constructors got the readers' default ports (2143,
     * 2993, 2110, 2995): those become free ports too, so tests never collide with each other or a running server.
     */
    private static TernConfig ephemeralReaders(TernConfig config) {
        TernConfig defaults = TernConfig.defaults();
        List<InetSocketAddress> anyPort = List.of(new InetSocketAddress("127.0.0.1", 0));
        var imap = config.imap();
        if (imap.listen().equals(defaults.imap().listen())) imap = imap.withListen(anyPort, imap.listenTls());
        if (imap.listenTls().equals(defaults.imap().listenTls())) imap = imap.withListen(imap.listen(), anyPort);
        var pop3 = config.pop3();
        if (pop3.listen().equals(defaults.pop3().listen())) pop3 = pop3.withListen(anyPort);
        if (pop3.listenTls().equals(defaults.pop3().listenTls())) pop3 = pop3.withListenTls(anyPort);
        var web = config.web();
        if (web.listen().equals(defaults.web().listen())) web = web.withListen(anyPort);
        return config.withReaders(imap, pop3).withWeb(web);
    }

    /**
     * Tests send nothing off this machine: a configuration still on the system's resolvers asks a closed port on
     * loopback instead, so every lookup fails at once as a temporary error and remote mail stays queued.
     */
    private static TernConfig loopbackDnsOnly(TernConfig config) {
        DnsSettings dns = config.remote().dns();
        if (!dns.equals(DnsSettings.defaults())) return config;
        DnsSettings closed = new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", 9)), Duration.ofSeconds(1), 0);
        return config.withRemote(config.remote().withDns(closed));
    }

    public static TestServer start(Path dataDirectory) {
        return start(dataDirectory, c -> c);
    }

    public int port() {
        return tern.smtpAddresses().getFirst().getPort();
    }

    /** The web listener's port (console, APIs, metrics). */
    public int webPort() {
        return tern.webAddresses().getFirst().getPort();
    }

    /** The web listener's base URL, {@code http://127.0.0.1:PORT}. */
    public String webUrl() {
        return "http://127.0.0.1:" + webPort();
    }

    public int submissionPort() {
        return tern.submissionAddresses().getFirst().getPort();
    }

    public int smtpsPort() {
        return tern.smtpsAddresses().getFirst().getPort();
    }

    /** The IMAP port with STARTTLS. */
    public int imapPort() {
        return tern.imapAddresses("imap").getFirst().getPort();
    }

    /** The IMAP port with implicit TLS. */
    public int imapsPort() {
        return tern.imapAddresses("imaps").getFirst().getPort();
    }

    /** The POP3 port with STLS. */
    public int pop3Port() {
        return tern.pop3Addresses(false).getFirst().getPort();
    }

    /** The POP3 port with implicit TLS. */
    public int pop3sPort() {
        return tern.pop3Addresses(true).getFirst().getPort();
    }

    /** The ACME renewer (docs/acme.md); empty when {@code tls.acme} is off. */
    public java.util.Optional<dev.tern.app.acme.AcmeRenewer> acme() {
        return tern.acme();
    }

    public TernConfig config() {
        return config;
    }

    /** The Maildir of {@code localPart@domain} as the default layout places it. */
    public Path maildir(String localPart, String domain) {
        return config.dataDirectory().resolve("mail").resolve(domain).resolve(localPart);
    }

    /** Files in a mailbox's new/ directory (empty when the mailbox does not exist yet). */
    public List<Path> newMessages(String localPart, String domain) {
        return newMessages(localPart, domain, "INBOX");
    }

    /** Files in the new/ directory of one of a mailbox's folders ({@code INBOX}, {@code Junk}, ...). */
    public List<Path> newMessages(String localPart, String domain, String folder) {
        Path maildir = maildir(localPart, domain);
        Path dir = (folder.equals("INBOX") ? maildir : maildir.resolve("." + folder)).resolve("new");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (polling, bounded) until the mailbox holds {@code count} messages, and returns them. */
    public List<Path> awaitMessages(String localPart, String domain, int count, Duration timeout) {
        return awaitMessages(localPart, domain, "INBOX", count, timeout);
    }

    /** As {@link #awaitMessages(String, String, int, Duration)}, in one of the mailbox's folders. */
    public List<Path> awaitMessages(String localPart, String domain, String folder, int count, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        List<Path> found = newMessages(localPart, domain, folder);
        while (found.size() < count && System.nanoTime() < until) {
            try {
                Thread.sleep(10); // polling a directory with a deadline; there is no event to await
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = newMessages(localPart, domain, folder);
        }
        return found;
    }

    @Override
    public void close() {
        tern.close();
    }
}
