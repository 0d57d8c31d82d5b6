package dev.tern.app;

import dev.tern.auth.AuthSettings;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.directory.DirectorySettings;
import dev.tern.readers.ImapServerSettings;
import dev.tern.readers.Pop3Settings;
import dev.tern.app.web.WebSettings;
import dev.tern.server.DnsblSettings;
import dev.tern.server.ServerSettings;
import dev.tern.tls.TlsSettings;
import dev.tern.smtp.SessionSettings;
import dev.tern.spool.SpoolSettings;
import dev.tern.store.MaildirSettings;
import dev.tern.dns.DnsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A whole configuration: each module's own settings record, read from the config file or the defaults.
 *
 * @param dataDirectory where the spool ({@code spool/}), the mailboxes ({@code mail/}), the accounts
 *                      ({@code accounts}) and a self-signed certificate ({@code tls/}) live
 * @param tls           certificates; none configured means a self-signed one is made on first start
 * @param checkSender   an authenticated client may only send as its own addresses (RFC 6409 §8.1 lets a
 *                      submission server enforce this); on by default
 * @param auth          the accounts and their login failure limits ({@code auth.*} but
 *                      {@code plaintext_on_loopback}, which is the server's)
 * @param remote        outbound SMTP: port, relay host, routes, DNS servers, TLS ({@code delivery.*}, {@code dns.*})
 * @param imap          the IMAP listeners ({@code imap.*}, {@code imaps.listen})
 * @param pop3          the POP3 listeners ({@code pop3.listen}, {@code pop3s.listen})
 * @param dnsbl         DNS blocklists asked when a client connects to the SMTP listener (none by default)
 * @param trust         message authentication, filters, signing and outbound TLS policies (issue 9)
 * @param web           the HTTP listener: console, REST and submission APIs, metrics, autoconfig, capture mode
 * @param acme          certificates from an ACME CA ({@code tls.acme.*}); off by default
 */
public record TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                         DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery,
                         TlsSettings tls, boolean checkSender, AuthSettings auth, RemoteSettings remote,
                         ImapServerSettings imap, Pop3Settings pop3, DnsblSettings dnsbl, TrustSettings trust,
                         WebSettings web, AcmeSettings acme) {
    public TernConfig {
        if (dnsbl == null || trust == null) throw new IllegalArgumentException("dnsbl and trust settings are required");
        if (web == null || acme == null) throw new IllegalArgumentException("web and acme settings are required");
    }

    /** With the default web listener and no ACME. */
    public TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                      DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery,
                      TlsSettings tls, boolean checkSender, AuthSettings auth, RemoteSettings remote,
                      ImapServerSettings imap, Pop3Settings pop3, DnsblSettings dnsbl, TrustSettings trust) {
        this(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote, imap, pop3,
                dnsbl, trust, WebSettings.defaults(), AcmeSettings.off());
    }

    public TernConfig withWeb(WebSettings value) {
        return new TernConfig(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote,
                imap, pop3, dnsbl, trust, value, acme);
    }

    public TernConfig withAcme(AcmeSettings value) {
        return new TernConfig(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote,
                imap, pop3, dnsbl, trust, web, value);
    }

    /** With the default trust settings. */
    public TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                      DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery,
                      TlsSettings tls, boolean checkSender, AuthSettings auth, RemoteSettings remote,
                      ImapServerSettings imap, Pop3Settings pop3, DnsblSettings dnsbl) {
        this(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote, imap, pop3,
                dnsbl, TrustSettings.defaults());
    }

    public TernConfig withTrust(TrustSettings value) {
        return new TernConfig(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote,
                imap, pop3, dnsbl, value, web, acme);
    }

    /** Without blocklists. */
    public TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                      DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery,
                      TlsSettings tls, boolean checkSender, AuthSettings auth, RemoteSettings remote,
                      ImapServerSettings imap, Pop3Settings pop3) {
        this(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote, imap, pop3,
                DnsblSettings.defaults());
    }

    public TernConfig withDnsbl(DnsblSettings value) {
        return new TernConfig(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote,
                imap, pop3, value, trust, web, acme);
    }

    /** With the default readers' listeners. */
    public TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                      DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery,
                      TlsSettings tls, boolean checkSender, AuthSettings auth, RemoteSettings remote) {
        this(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote,
                ImapServerSettings.defaults(), Pop3Settings.defaults());
    }

    /** With the default outbound settings. */
    public TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                      DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery,
                      TlsSettings tls, boolean checkSender, AuthSettings auth) {
        this(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, RemoteSettings.defaults());
    }

    public TernConfig withRemote(RemoteSettings value) {
        return new TernConfig(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, value, imap, pop3, dnsbl, trust, web, acme);
    }

    public TernConfig withSpool(SpoolSettings value) {
        return new TernConfig(dataDirectory, server, session, directory, value, delivery, tls, checkSender, auth, remote, imap, pop3, dnsbl, trust, web, acme);
    }

    public TernConfig withDelivery(DeliverySettings value) {
        return new TernConfig(dataDirectory, server, session, directory, spool, value, tls, checkSender, auth, remote, imap, pop3, dnsbl, trust, web, acme);
    }

    /** With the default login limits. */
    public TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                      DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery,
                      TlsSettings tls, boolean checkSender) {
        this(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, AuthSettings.defaults());
    }

    /** The settings of issue #2 (no TLS material configured, sender check on). */
    public TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                      DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery) {
        this(dataDirectory, server, session, directory, spool, delivery, TlsSettings.defaults(), true);
    }

    /**
     * The Maildir store's settings, which follow from {@code data_dir} alone: the mailboxes live in its
     * {@code mail/} directory, and unique file names carry this machine's host name (maildir.txt), not the
     * configured {@code hostname}, so two machines sharing one Maildir never make the same name.
     */
    public MaildirSettings maildir() {
        return MaildirSettings.of(dataDirectory.resolve("mail"));
    }

    public TernConfig withAuth(AuthSettings auth) {
        return new TernConfig(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote, imap, pop3, dnsbl, trust, web, acme);
    }

    /** With other IMAP and POP3 listeners. */
    public TernConfig withReaders(ImapServerSettings imapValue, Pop3Settings pop3Value) {
        return new TernConfig(dataDirectory, server, session, directory, spool, delivery, tls, checkSender, auth, remote,
                imapValue, pop3Value, dnsbl, trust, web, acme);
    }

    /**
     * The defaults with every listener (SMTP, submission, SMTPS, IMAP, IMAPS, POP3, POP3S, web) on a free port of
     * 127.0.0.1, and DNS asked at a closed loopback port, so every lookup fails at once as a temporary error and
     * nothing leaves the machine: for servers inside tests (TestServer, tern-junit).
     */
    public static TernConfig loopbackOnly(Path dataDirectory) {
        TernConfig d = defaults();
        List<InetSocketAddress> anyPort = List.of(new InetSocketAddress("127.0.0.1", 0));
        DnsSettings closed = new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", 9)), Duration.ofSeconds(1), 0);
        return new TernConfig(dataDirectory, d.server().withListeners(anyPort, anyPort, anyPort), d.session(),
                d.directory(), d.spool(), d.delivery())
                .withReaders(d.imap().withListen(anyPort, anyPort), d.pop3().withListen(anyPort).withListenTls(anyPort))
                .withWeb(d.web().withListen(anyPort))
                .withRemote(d.remote().withDns(closed));
    }

    /** The built-in defaults of {@code ./tern run}: domain localhost, 127.0.0.1:2525, data under ./data. */
    public static TernConfig defaults() {
        return new TernConfig(Path.of("data"), ServerSettings.defaults(), SessionSettings.defaults(),
                DirectorySettings.defaults(), SpoolSettings.defaults(), DeliverySettings.defaults());
    }
}
