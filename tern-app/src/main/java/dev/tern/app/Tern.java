package dev.tern.app;

import dev.tern.app.acme.AcmeFiles;
import dev.tern.app.acme.AcmeRenewer;
import dev.tern.app.capture.CapturePolicy;
import dev.tern.app.capture.CaptureStore;
import dev.tern.app.capture.CaptureTransport;
import dev.tern.app.control.ControlServer;
import dev.tern.app.control.SpoolQueueControl;
import dev.tern.app.metrics.CountedCredentials;
import dev.tern.app.metrics.MeterTelemetry;
import dev.tern.app.sendmail.SubmitServer;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebRoutes;
import dev.tern.app.web.WebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.tern.auth.AccountCredentials;
import dev.tern.auth.AccountStore;
import dev.tern.auth.AuthThrottle;
import dev.tern.delivery.ConnectionReuse;
import dev.tern.delivery.OutboundTls;
import dev.tern.delivery.QueueRunner;
import dev.tern.delivery.RemoteSettings;
import dev.tern.delivery.Resealer;
import dev.tern.delivery.dane.Dane;
import dev.tern.delivery.dane.DnssecDane;
import dev.tern.delivery.dane.ProbedDane;
import dev.tern.delivery.dane.TrustAnchors;
import dev.tern.delivery.sts.StsSettings;
import dev.tern.delivery.tlsrpt.TlsReportSender;
import dev.tern.delivery.tlsrpt.TlsReportStore;
import dev.tern.delivery.tlsrpt.TlsReporter;
import dev.tern.delivery.tlsrpt.TlsRptSettings;
import dev.tern.dns.Resolver;
import dev.tern.mailauth.arc.ArcVerifier;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.mailauth.dkim.DkimVerifier;
import dev.tern.mailauth.dmarc.DmarcEvaluator;
import dev.tern.mailauth.psl.PublicSuffixList;
import dev.tern.mailauth.spf.SpfEvaluator;
import dev.tern.milter.MilterClient;
import dev.tern.server.auth.AuthInspector;
import dev.tern.server.auth.InboundAuthSettings;
import dev.tern.dns.CachingResolver;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mailauth.srs.Srs;
import dev.tern.server.Dnsbl;
import dev.tern.server.SrsReversePolicy;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectorySettings;
import dev.tern.mail.Domain;
import dev.tern.readers.ImapServer;
import dev.tern.readers.Pop3Server;
import dev.tern.server.InboundPolicy;
import dev.tern.server.SmtpServer;
import dev.tern.tls.TlsContext;
import dev.tern.spool.Spool;
import dev.tern.store.MaildirSettings;
import dev.tern.store.MaildirStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server, wired with plain constructors: spool and mailbox store first, then delivery, then the
 * control channel of {@code tern queue}, then the listeners (SMTP, then the readers' IMAP and POP3); closed in the reverse order, so no connection is
 * accepted without a spool behind it and the spool is closed only after everything that writes to it.
 */
public final class Tern implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tern.class);

    private final TernConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    // True from the moment close() begins: /readyz answers 503 while the listeners drain (docs/metrics.md).
    private volatile boolean stopping;
    private Spool spool;
    private QueueRunner runner;
    private MaildirStore store;
    private SmtpServer server;
    private ImapServer imap;
    private Pop3Server pop3;
    private TlsReportStore tlsReports;
    private TlsReportSender tlsReportSender;
    private ControlServer control;
    private SubmitServer submit;
    private WebServer web;
    private CaptureStore capture;
    private AcmeRenewer acme;
    private Directory directory;
    private AccountStore accounts;

    public Tern(TernConfig config) {
        this.config = config;
    }

    /** Opens the data directory, resumes the queue and starts listening. */
    public void start() throws IOException {
        Files.createDirectories(config.dataDirectory());
        // docs/acme.md: the ACME certificate comes first (the default), a self-signed stand-in until the CA's arrives.
        AcmeFiles acmeFiles = config.acme().enabled() ? AcmeFiles.open(config.dataDirectory().resolve("acme")) : null;
        var tlsSettings = acmeFiles == null ? config.tls()
                : acmeFiles.withCertificate(config.tls(), config.acme().domainsOr(config.session().hostname()));
        // The TLS context (certificate files, the JDK's TLS and Bouncy Castle's ASN.1 classes: the longest step of a
        // first start, docs/junit.md) is opened on a virtual thread while the spool opens and the queue resumes;
        // the start waits for it before anything uses it, and fails as before when it fails.
        FutureTask<TlsContext> tlsOpening = new FutureTask<>(
                () -> TlsContext.open(tlsSettings, config.dataDirectory(), config.session().hostname()));
        Thread.ofVirtual().name("tern-tls-open").start(tlsOpening);
        // The server's own registry (docs/metrics.md); the stages report to it through MeterTelemetry.
        var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var telemetry = new MeterTelemetry(meters);
        spool = Spool.open(config.dataDirectory().resolve("spool"), config.spool(), telemetry);
        MaildirSettings maildir = config.maildir();
        Files.createDirectories(maildir.root());
        store = new MaildirStore(maildir);
        directory = new Directory(withOwnHostname(config.directory(), config.session().hostname()));
        Optional<Srs> srs = srs(config);
        Clock clock = Clock.systemUTC();
        String hostname = config.session().hostname();
        TrustSettings trust = config.trust();
        // The inbound checks' lookups and the TLS-RPT policy lookups share one cache (delivery keeps its own).
        Resolver checks = new CachingResolver(new DnsjavaResolver(config.remote().dns()));
        Map<String, DkimSigner> signers = trust.dkimSign()
                ? DkimKeys.signers(config.dataDirectory().resolve("dkim"), clock) : Map.of();
        if (!signers.isEmpty()) log.info("dkim signing domains={}", new java.util.TreeSet<>(signers.keySet()));
        ArcVerifier arc = new ArcVerifier(checks, clock);
        String authservId = trust.authservId().orElse(hostname);
        Resealer resealer = new Resealer(signers, hostname, authservId, Optional.of(arc), clock);
        if (config.web().capture()) {
            // Capture mode (docs/capture.md): every message kept, local copies delivered, nothing sent outward.
            capture = CaptureStore.open(config.dataDirectory().resolve("capture"));
            runner = QueueRunner.capturing(config.delivery(), spool, directory, store, Domain.parse(hostname), clock,
                    srs, resealer, new CaptureTransport(spool, capture), telemetry);
        } else {
            runner = QueueRunner.open(config.delivery(), outboundTls(config, clock), ConnectionReuse.defaults(), spool,
                    directory, store, Domain.parse(hostname), ownAddresses(config), clock, srs, resealer, telemetry);
        }
        runner.start();
        TlsContext tls = opened(tlsOpening);
        accounts = AccountStore.open(config.dataDirectory(), config.auth(), Clock.systemUTC());
        AuthThrottle throttle = new AuthThrottle(new AccountCredentials(accounts), config.auth().throttle());
        RecipientPolicy policy = new InboundPolicy(directory, config.checkSender());
        if (srs.isPresent()) policy = new SrsReversePolicy(policy, directory, srs.get());
        if (capture != null) policy = new CapturePolicy(policy);
        Optional<Dnsbl> dnsbl = config.dnsbl().zones().isEmpty() ? Optional.empty()
                : Optional.of(new Dnsbl(config.dnsbl(), new CachingResolver(new DnsjavaResolver(config.remote().dns())),
                        config.server().relayNetworks()));
        PublicSuffixList psl = trust.publicSuffixList().isPresent()
                ? PublicSuffixList.load(trust.publicSuffixList().get()) : PublicSuffixList.bundled();
        var inspector = new AuthInspector(new InboundAuthSettings(authservId, trust.verify(),
                trust.dmarc(), signers, trust.milters().stream().map(MilterClient::new).toList()),
                new SpfEvaluator(checks, SpfEvaluator.DEFAULT_TIME_LIMIT, hostname, clock), new DkimVerifier(checks, clock),
                new DmarcEvaluator(checks, psl), arc);
        server = new SmtpServer(config.server(), config.session(), policy, spool, tls,
                CountedCredentials.of("smtp", throttle::forClient, meters), inspector, dnsbl, telemetry);
        if (tlsReports != null) {
            TlsRptSettings reporting = tlsReports.settings();
            tlsReportSender = new TlsReportSender(reporting, tlsReports, checks, spool,
                    TlsReportSender.httpClient(reporting), clock, resealer::signNotice);
            tlsReportSender.start();
        }
        // Before the listeners: a control socket that cannot be made stops the start before any mail is taken.
        var queueControl = new SpoolQueueControl(spool, runner);
        control = ControlServer.start(config.dataDirectory(), queueControl, Clock.systemUTC());
        submit = SubmitServer.start(config.dataDirectory(), spool, config.session().hostname(),
                config.session().maxMessageSize(), Clock.systemUTC());
        if (config.web().enabled()) {
            Router router = new Router();
            WebRoutes.register(router, new WebContext(config, spool, runner, store, accounts, throttle, queueControl,
                    tls, clock, meters, capture, inspector, () -> stopping));
            web = WebServer.start(config.web(), router, tls::sslContext);
        }
        server.start();
        // The readers meet delivery only at the store: the same MaildirStore object, so a delivery wakes IDLE.
        imap = new ImapServer(config.imap(), store, CountedCredentials.of("imap", throttle::forClient, meters), tls,
                telemetry);
        imap.start();
        pop3 = new Pop3Server(config.pop3(), store, CountedCredentials.of("pop3", throttle::forClient, meters), tls,
                telemetry);
        pop3.start();
        if (acmeFiles != null) {
            acme = AcmeRenewer.start(config.acme(), config.acme().domainsOr(hostname), acmeFiles, tls::reload, clock);
        }
        log.info("tern started hostname={} data={} domains={}", config.session().hostname(),
                config.dataDirectory().toAbsolutePath(), config.directory().domains());
    }

    /** The TLS context opened on its own thread, or what its opening threw. */
    private static TlsContext opened(FutureTask<TlsContext> opening) throws IOException {
        try {
            return opening.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the TLS context was opened");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IllegalStateException("opening the TLS context failed", e.getCause());
            }
        }
    }

    /**
     * The outbound TLS policies (docs/mta-sts.md, docs/dane.md, docs/tls-rpt.md): MTA-STS with its cache in
     * {@code mta-sts/}, DANE over the configured DNS servers with the IANA root keys (or {@code dns.trust_anchor}),
     * and every connection's TLS outcome counted for TLS-RPT in {@code tlsrpt/}; unless the settings carry their
     * own policies already.
     */
    private RemoteSettings outboundTls(TernConfig config, Clock clock) throws IOException {
        // Policies given in the settings themselves (an embedding program, a test) stand as they are.
        if (!config.remote().outboundTls().equals(OutboundTls.off())) return config.remote();
        TrustSettings trust = config.trust();
        StsSettings sts = trust.mtaSts() ? StsSettings.on(config.dataDirectory().resolve("mta-sts")) : StsSettings.off();
        Dane dane = Dane.OFF;
        if (trust.dane()) {
            TrustAnchors anchors = trust.trustAnchor().isPresent() ? TrustAnchors.read(trust.trustAnchor().get())
                    : TrustAnchors.ianaRoot();
            dane = new ProbedDane(new DnssecDane(config.remote().dns(), anchors));
        }
        TlsReporter reporter = TlsReporter.NONE;
        TlsRptSettings reporting = tlsReportSettings(config);
        if (trust.tlsRpt() && reporting != null) {
            tlsReports = TlsReportStore.open(reporting, clock);
            reporter = tlsReports;
        }
        return config.remote().withOutboundTls(new OutboundTls(sts, dane, reporter));
    }

    /** TLS-RPT's settings, from the host name; none for a host name that is an address literal. */
    private static TlsRptSettings tlsReportSettings(TernConfig config) {
        Domain hostname = Domain.parse(config.session().hostname());
        return hostname.isLiteral() ? null : TlsRptSettings.defaults(config.dataDirectory(), hostname);
    }

    /**
     * SRS for mail that aliases and lists forward off-site (docs/srs.md): addresses at the server's own host name
     * (always a local domain here), signed with the secrets in {@code srs/secret} of the data directory, made on
     * first start. A host name that is an address literal gets no SRS.
     */
    private static Optional<Srs> srs(TernConfig config) throws IOException {
        Domain hostname;
        try {
            hostname = Domain.parse(config.session().hostname());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (hostname.isLiteral()) return Optional.empty();
        var secrets = Srs.loadOrCreateSecret(config.dataDirectory().resolve("srs").resolve("secret"));
        return Optional.of(new Srs(secrets, hostname.name(), Clock.systemUTC()));
    }

    /** The addresses this server listens on: an MX pointing at one of them points back at us (a loop). */
    private static Set<java.net.InetAddress> ownAddresses(TernConfig config) {
        Set<java.net.InetAddress> own = new java.util.HashSet<>();
        for (var list : List.of(config.server().smtpListeners(), config.server().submissionListeners(),
                config.server().smtpsListeners())) {
            for (var address : list) {
                if (!address.getAddress().isAnyLocalAddress()) {
                    own.add(address.getAddress());
                    continue;
                }
                // A wildcard listener (0.0.0.0, ::) is every address of this host.
                try {
                    for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                        own.addAll(java.util.Collections.list(nic.getInetAddresses()));
                    }
                } catch (java.net.SocketException e) {
                    log.warn("cannot list this host's addresses for MX loop detection: {}", e.toString());
                }
            }
        }
        return own;
    }

    /**
     * The server's own name is a local domain too, as Postfix's mydestination includes $myhostname: so
     * {@code RCPT TO:<postmaster>} (RFC 5321 §4.1.1.3), which the session reads as postmaster@hostname, is
     * always accepted. With a config file only postmaster exists there, unless users are listed for it.
     */
    static DirectorySettings withOwnHostname(DirectorySettings directory, String hostname) {
        Domain own;
        try {
            own = Domain.parse(hostname);
        } catch (IllegalArgumentException e) {
            return directory; // an address literal or odd name: nothing can be addressed there anyway
        }
        if (directory.domains().contains(own)) return directory;
        Set<Domain> domains = new LinkedHashSet<>(directory.domains()); // in order: the first stays the primary domain
        domains.add(own);
        return new DirectorySettings(domains, directory.anyLocalPart(), directory.users(), directory.aliases(),
                directory.lists(), directory.subaddressSeparator());
    }

    /** Starts, then blocks until the JVM is asked to stop (SIGTERM, Ctrl-C), and shuts down cleanly. */
    public void run() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tern-shutdown"));
        start();
        stopped.await();
    }

    /** The SMTP listeners' bound addresses. */
    public List<InetSocketAddress> smtpAddresses() {
        return server.addresses();
    }

    /** The submission listeners' bound addresses (RFC 6409). */
    public List<InetSocketAddress> submissionAddresses() {
        return server.submissionAddresses();
    }

    /** The implicit-TLS submission listeners' bound addresses (RFC 8314). */
    public List<InetSocketAddress> smtpsAddresses() {
        return server.smtpsAddresses();
    }

    /** The IMAP listeners' bound addresses: {@code imap} (STARTTLS) or {@code imaps} (implicit TLS). */
    public List<InetSocketAddress> imapAddresses(String kind) {
        return imap.addresses(kind);
    }

    /** The POP3 listeners' bound addresses: STLS ({@code tls} false) or implicit TLS. */
    public List<InetSocketAddress> pop3Addresses(boolean tls) {
        return tls ? pop3.tlsAddresses() : pop3.addresses();
    }

    /** Capture mode's store of kept messages (docs/capture.md); empty when not in capture mode. */
    public Optional<CaptureStore> capture() {
        return Optional.ofNullable(capture);
    }

    /** The ACME renewer (docs/acme.md); empty when {@code tls.acme} is off. */
    public Optional<AcmeRenewer> acme() {
        return Optional.ofNullable(acme);
    }

    /**
     * The accounts that AUTH, IMAP and POP3 check (as {@code tern user} changes them): a change here takes
     * effect at once, in this process.
     */
    public AccountStore accounts() {
        return accounts;
    }

    /** Who the addresses are: {@link Directory#addDomain} makes a domain local in the running server. */
    public Directory directory() {
        return directory;
    }

    /** The web listener's bound addresses (console, APIs, metrics); empty when {@code web.enabled} is off. */
    public List<InetSocketAddress> webAddresses() {
        return web == null ? List.of() : web.addresses();
    }

    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) return;
        stopping = true;
        try {
            if (acme != null) acme.close();
            if (pop3 != null) pop3.close();
            if (imap != null) imap.close();
            if (server != null) server.close();
            if (web != null) web.close();
            if (submit != null) submit.close();
            if (control != null) control.close();
            if (tlsReportSender != null) tlsReportSender.close();
            if (runner != null) runner.close();
            if (tlsReports != null) tlsReports.close();
            if (store != null) store.close();
            if (spool != null) spool.close();
            log.info("tern stopped");
        } catch (IOException e) {
            log.error("closing the spool failed: {}", e.toString());
        } finally {
            stopped.countDown();
        }
    }
}
