package dev.tern.junit;

import dev.tern.app.Tern;
import dev.tern.app.TernConfig;
import dev.tern.app.capture.CaptureStore;
import dev.tern.auth.AccountChange;
import dev.tern.auth.Usernames;
import dev.tern.mail.Mailbox;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-JVM Tern in capture mode for tests (docs/junit.md): every listener on a free loopback port, data in a
 * fresh temp directory, every message for any domain kept; {@link #awaitMessages(int)} waits for them and hands
 * them back parsed with Angus Mail; {@link #createAccount} makes a login for IMAP, POP3 and SMTP AUTH. Register it on a static field with {@link #perClass()} (one server for the
 * class) or {@link #perTest()} (a fresh one for each test).
 */
public final class TernExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final boolean perTest;
    private Duration timeout = Duration.ofSeconds(10);
    private Path data;
    private Tern tern;
    private Duration lastStart;

    private TernExtension(boolean perTest) {
        this.perTest = perTest;
    }

    /** One server for the whole test class. */
    public static TernExtension perClass() {
        return new TernExtension(false);
    }

    /** A fresh server (and directory) for each test. */
    public static TernExtension perTest() {
        return new TernExtension(true);
    }

    /** How long {@link #awaitMessages(int)} waits (10 s by default). */
    public TernExtension withTimeout(Duration value) {
        this.timeout = value;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (!perTest) start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (!perTest) stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (perTest) start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (perTest) stop();
    }

    /** Starts the server (the callbacks do; a test may call it to run one without JUnit). */
    public void start() throws IOException {
        long begin = System.nanoTime();
        data = Files.createTempDirectory("tern-junit");
        shipCertificate(data);
        TernConfig loopback = TernConfig.loopbackOnly(data); // free ports; DNS to a closed port: nothing leaves
        // Every listener is on loopback: the code under test may log in without TLS (LOGIN, PLAIN, USER/PASS).
        TernConfig config = new TernConfig(data, loopback.server().withPlaintextAuthOnLoopback(true), loopback.session(),
                loopback.directory(), loopback.spool(), loopback.delivery())
                .withReaders(loopback.imap().withPlaintextOnLoopback(true), loopback.pop3().withPlaintextOnLoopback(true))
                .withWeb(loopback.web().withCapture(true))
                .withRemote(loopback.remote());
        tern = new Tern(config);
        tern.start();
        lastStart = Duration.ofNanos(System.nanoTime() - begin);
    }

    /**
     * Puts the certificate shipped in this jar where the server looks for its self-signed one, so the server
     * finds it usable and makes no key pair, the longest step of a first start in a fresh JVM (docs/junit.md,
     * start time). Its key is public, in this jar: fit for a test server on loopback only.
     */
    private static void shipCertificate(Path data) throws IOException {
        Path tls = Files.createDirectory(data.resolve("tls"));
        for (String name : List.of("selfsigned-fullchain.pem", "selfsigned-privkey.pem")) {
            try (var in = TernExtension.class.getResourceAsStream(name)) {
                if (in == null) throw new IllegalStateException("tern-junit's jar lacks its " + name);
                Files.copy(in, tls.resolve(name));
            }
        }
    }

    /** Stops the server and removes its directory. */
    public void stop() throws IOException {
        if (tern != null) tern.close();
        tern = null;
        if (data != null) {
            try (Stream<Path> files = Files.walk(data)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** How long the last {@link #start()} took. */
    public Duration startTime() {
        return lastStart;
    }

    public int smtpPort() {
        return running().smtpAddresses().getFirst().getPort();
    }

    public int submissionPort() {
        return running().submissionAddresses().getFirst().getPort();
    }

    public int imapPort() {
        return running().imapAddresses("imap").getFirst().getPort();
    }

    public int pop3Port() {
        return running().pop3Addresses(false).getFirst().getPort();
    }

    /** The web listener, e.g. {@code http://127.0.0.1:40123}: the capture API is under /api/v1/capture. */
    public String webUrl() {
        return "http://127.0.0.1:" + running().webAddresses().getFirst().getPort();
    }

    /**
     * Makes an account in the running server, in one call: {@code address} can log in with {@code password} over
     * IMAP, POP3 and SMTP AUTH (submission) at once, and mail to it is kept in its mailbox (as well as captured).
     * Its domain becomes a local domain if it was not one. The password needs 8 characters at least, as for
     * {@code tern user add}.
     *
     * @throws IllegalArgumentException when the address is not one, the account exists or the password is refused
     */
    public void createAccount(String address, String password) {
        Tern server = running();
        Optional<String> username = Usernames.canonical(address);
        if (username.isEmpty()) throw new IllegalArgumentException("not an address usable as a login: " + address);
        try {
            if (server.accounts().add(username.get(), password) instanceof AccountChange.Refused(String reason)) {
                throw new IllegalArgumentException("cannot create " + address + ": " + reason);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the accounts of the test server", e);
        }
        server.directory().addDomain(Mailbox.parse(username.get()).domain());
    }

    /** Waits until at least {@code count} messages arrived (all recipients); filter with {@link Awaited#to}. */
    public Awaited awaitMessages(int count) {
        return new Awaited(count);
    }

    private Tern running() {
        if (tern == null) throw new IllegalStateException("the Tern extension is not running (register it static)");
        return tern;
    }

    private CaptureStore store() {
        return running().capture().orElseThrow();
    }

    /** The wait of {@link #awaitMessages(int)}: {@link #all()} or {@link #to(String)}. */
    public final class Awaited {
        private final int count;

        private Awaited(int count) {
            this.count = count;
        }

        /** The messages that have {@code address} among their envelope recipients, oldest first. */
        public List<MimeMessage> to(String address) {
            return await(address);
        }

        /** Every message, oldest first. */
        public List<MimeMessage> all() {
            return await(null);
        }

        private List<MimeMessage> await(String address) {
            Instant deadline = Instant.now().plus(timeout);
            while (true) {
                List<CaptureStore.Captured> found = store().list().stream()
                        .filter(c -> address == null || c.to().stream().anyMatch(t -> t.equalsIgnoreCase(address)))
                        .toList();
                if (found.size() >= count) return parse(found.reversed());
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("expected " + count + " message(s)"
                            + (address == null ? "" : " to " + address) + " within " + timeout + ", got "
                            + found.size() + "; arrived: " + store().list().stream()
                            .map(c -> c.from() + " -> " + c.to()).toList());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for mail", e);
                }
            }
        }

        private List<MimeMessage> parse(List<CaptureStore.Captured> found) {
            Session session = Session.getInstance(new Properties());
            List<MimeMessage> messages = new ArrayList<>();
            for (var c : found) {
                try {
                    messages.add(new MimeMessage(session, new ByteArrayInputStream(store().bytes(c.id()))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (MessagingException e) {
                    throw new AssertionError("captured message " + c.id() + " cannot be parsed: " + e, e);
                }
            }
            return messages;
        }
    }
}
