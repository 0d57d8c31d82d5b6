package dev.tern.readers;

import dev.tern.auth.AuthThrottle;
import dev.tern.mail.Mailbox;
import dev.tern.store.Folder;
import dev.tern.store.Folders;
import dev.tern.store.MaildirStore;
import dev.tern.store.MessageMeta;
import dev.tern.testbase.TrustAll;
import dev.tern.tls.TlsContext;
import dev.tern.tls.TlsSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A real {@link Pop3Server} on 127.0.0.1 (ports chosen by the system) over a real {@link MaildirStore} in a temp
 * directory, with a self-signed certificate and the real {@link AuthThrottle} in front of the test accounts.
 */
final class Pop3Fixture implements AutoCloseable {
    static final Mailbox ALICE = Mailbox.of("alice", "local.test");

    final MaildirStore store;
    final TlsContext tls;
    private int deliveries;
    final Pop3Server server;

    Pop3Fixture(Path dir, Pop3Settings settings) throws IOException {
        store = MaildirStore.open(dir.resolve("mail"));
        tls = TlsContext.open(TlsSettings.defaults(), dir, "pop3.tern.test");
        AuthThrottle throttle = new AuthThrottle(new Pop3TestCredentials(), AuthThrottle.Policy.defaults());
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        server = new Pop3Server(settings.withListen(List.of(any)).withListenTls(List.of(any)), store,
                throttle::forClient, tls);
        server.start();
    }

    /** Delivers {@code text} (LF line ends) to alice, as SMTP delivery would (CRLF in). */
    void deliver(String text) throws IOException {
        byte[] crlf = text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        store.deliver(ALICE, "d" + (++deliveries), new ByteArrayInputStream(crlf), false);
    }

    Folder inbox() throws IOException {
        return store.folders(ALICE).open(Folders.INBOX).orElseThrow();
    }

    /** The UIDs in alice's INBOX now. */
    List<Long> uids() throws IOException {
        return inbox().snapshot().messages().stream().map(MessageMeta::uid).toList();
    }

    /** UIDL's unique-id of {@code uid}. */
    String uniqueId(long uid) throws IOException {
        return inbox().uidValidity() + "." + uid;
    }

    static Pop3Settings settings() {
        return Pop3Settings.defaults();
    }

    int port() {
        return server.addresses().getFirst().getPort();
    }

    int tlsPort() {
        return server.tlsAddresses().getFirst().getPort();
    }

    /** The fingerprint-free trust a test client on loopback needs for the self-signed certificate. */
    static SSLContext trustAll() {
        return TrustAll.context();
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(1));
    }
}
