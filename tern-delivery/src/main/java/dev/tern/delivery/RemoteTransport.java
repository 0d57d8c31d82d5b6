package dev.tern.delivery;

import dev.tern.delivery.dane.Dane;
import dev.tern.delivery.route.Host;
import dev.tern.delivery.route.MxRouter;
import dev.tern.delivery.route.Route;
import dev.tern.delivery.route.RouteTarget;
import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import dev.tern.delivery.sts.MtaSts;
import dev.tern.delivery.sts.WebPki;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.smtp.Reply;
import dev.tern.smtp.client.ClientAuth;
import dev.tern.smtp.client.ClientSettings;
import dev.tern.smtp.client.ContentFacts;
import dev.tern.smtp.client.DotEncoder;
import dev.tern.smtp.client.RcptOutcome;
import dev.tern.smtp.client.TlsPolicy;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers recipients of one remote domain over SMTP: finds the next hop (the relay host, a configured route, or
 * the domain's MX hosts, RFC 5321 §5.1), then tries its hosts and their addresses in order with one transaction
 * for all recipients, until each is decided. A recipient deferred by one host is tried at the next (QUEUE-SHAPE.md
 * §2: a soft failure at a non-final MX is kept for the next); a permanent refusal is final.
 *
 * <p>STARTTLS is used when offered (opportunistic, without verifying the certificate, as Postfix's {@code may});
 * a failed handshake is retried once in plaintext on a new connection, and logged. A destination none of whose
 * hosts answers is left alone for a while ({@link Destinations}). Connections are reused for back-to-back
 * deliveries to the same address ({@link ConnectionCache}); a parked connection holds no destination slot.
 */
final class RemoteTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(RemoteTransport.class);
    private static final EnhancedStatus UNREACHABLE = EnhancedStatus.of(4, 4, 1);
    private static final EnhancedStatus INTERRUPTED = EnhancedStatus.of(4, 3, 2);
    // RFC 8689 §7.3: X.7.30 "REQUIRETLS support required", the client's precondition (ClientReplies).
    private static final EnhancedStatus REQUIRETLS_NOT_OFFERED = EnhancedStatus.of(5, 7, 30);
    /** How long a delivery waits for a connection slot before it gives its runner slot back (Postponed). */
    private static final java.time.Duration BUSY_WAIT = java.time.Duration.ofSeconds(1);

    private final RemoteSettings settings;
    private final Spool spool;
    private final MxRouter router;
    private final SSLContext tls;
    private final SSLContext verifiedTls;
    private final Destinations destinations;
    private final ConnectionCache connections;
    private final MtaSts mtaSts;
    private final X509ExtendedTrustManager webPki;
    private final Clock clock;

    /**
     * @param tls         for opportunistic and required TLS: any certificate
     * @param verifiedTls for verified TLS: the JDK's trust store (and the host name checked on each connection)
     * @param connections parked connections for back-to-back deliveries to the same host
     * @param mtaSts      the recipient domains' MTA-STS policies ({@link MtaSts#off()}: none)
     */
    RemoteTransport(RemoteSettings settings, Spool spool, MxRouter router, SSLContext tls, SSLContext verifiedTls,
                    Destinations destinations, ConnectionCache connections, MtaSts mtaSts, Clock clock) {
        this.settings = settings;
        this.spool = spool;
        this.router = router;
        this.tls = tls;
        this.verifiedTls = verifiedTls;
        this.destinations = destinations;
        this.connections = connections;
        this.mtaSts = mtaSts;
        this.webPki = WebPki.trustManager(settings.outboundTls().sts().webPki());
        this.clock = clock;
    }

    @Override
    public List<RecipientOutcome> deliver(SpooledMessage message, List<Integer> recipients) {
        Domain domain = message.envelope().recipients().get(recipients.getFirst()).mailbox().domain();
        Optional<RouteTarget> target = settings.relayHost().or(() -> Optional.ofNullable(settings.routes().get(domain)));
        String destination = target.map(RouteTarget::toString).orElse(domain.name());
        var down = destinations.downUntil(destination);
        if (down.isPresent()) {
            return all(recipients, i -> new RecipientOutcome.TemporaryFailure(i, UNREACHABLE, "",
                    "destination " + destination + " not reachable recently; deferred"));
        }
        Route route = target.map(router::route).orElseGet(() -> router.route(domain));
        return switch (route) {
            case Route.Failure f -> all(recipients, i -> f.permanent()
                    ? new RecipientOutcome.PermanentFailure(i, f.status(), "", f.reason())
                    : new RecipientOutcome.TemporaryFailure(i, f.status(), "", f.reason()));
            case Route.Hosts hosts -> {
                int port = target.map(t -> t.portOr(settings.port())).orElse(settings.port());
                try {
                    Optional<Destinations.Lease> leased = destinations.tryAcquire(destination, BUSY_WAIT);
                    if (leased.isEmpty()) {
                        yield all(recipients, i -> new RecipientOutcome.Postponed(i, "", "destination " + destination + " busy"));
                    }
                    try (Destinations.Lease lease = leased.get()) {
                        // Marked down while this delivery waited for its slot: no new connection now.
                        if (destinations.downUntil(destination).isPresent()) {
                            yield all(recipients, i -> new RecipientOutcome.TemporaryFailure(i, UNREACHABLE, "",
                                    "destination " + destination + " not reachable recently; deferred"));
                        }
                        List<Host> ordered = resumeAfterLastFailure(message, recipients, hosts.hosts());
                        yield overHosts(message, recipients, ordered, port,
                                target.isPresent() && settings.relayHost().isPresent(), target.isEmpty(), lease);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    yield all(recipients, i -> new RecipientOutcome.TemporaryFailure(i, INTERRUPTED, "", "server stopping"));
                }
            }
        };
    }

    private List<RecipientOutcome> overHosts(SpooledMessage message, List<Integer> recipients, List<Host> hosts,
                                             int port, boolean relay, boolean viaMx, Destinations.Lease lease) {
        Domain domain = message.envelope().recipients().get(recipients.getFirst()).mailbox().domain();
        TlsRequirement requirement = settings.tlsFor(domain);
        if (requirement == TlsRequirement.VERIFIED && !relay) {
            // The MX names come from unsigned DNS: a spoofed MX with a valid certificate of its own would pass a
            // check against its own name. As Postfix's "secure" level (smtp_tls_secure_cert_match = nexthop,
            // dot-nexthop), only MX hosts in the recipient's domain are used, their certificates checked.
            hosts = hosts.stream().filter(h -> h.name().name().equals(domain.name())
                    || h.name().name().endsWith("." + domain.name())).toList();
            if (hosts.isEmpty()) {
                return all(recipients, i -> new RecipientOutcome.TemporaryFailure(i, EnhancedStatus.of(4, 7, 5), "",
                        "verified TLS: no MX host of " + domain + " is inside the domain"));
            }
        }
        Map<Recipient, Integer> index = new HashMap<>();
        for (int i : recipients) index.put(message.envelope().recipients().get(i), i);
        Map<Integer, RecipientOutcome> decided = new LinkedHashMap<>();
        Map<Integer, RecipientOutcome> deferred = new LinkedHashMap<>();
        List<Integer> open = new ArrayList<>(recipients);
        ContentFacts facts;
        try {
            facts = facts(message);
        } catch (IOException e) {
            return all(recipients, i -> new RecipientOutcome.TemporaryFailure(i, EnhancedStatus.of(4, 3, 0), "",
                    "queue file unreadable"));
        }
        MailOptions options = message.envelope().options();
        // RFC 8689 §4.2.1 concerns messages with a sender; a bounce of REQUIRETLS mail goes without the option.
        boolean requireTls = options.requireTls() && message.envelope().reversePath() instanceof dev.tern.mail.ReversePath.Sender;
        if (options.requireTls() && !requireTls) options = options.withRequireTls(false);
        boolean tlsOptional = !message.envelope().options().requireTls() && policiesOn()
                && tlsRequiredNo(message);
        DestinationTls policy = DestinationTls.decide(settings, mtaSts, webPki, domain, viaMx, requireTls, tlsOptional, clock);
        // REQUIRETLS refusals become final only when no host deferred the recipient for another reason.
        Map<Integer, RecipientOutcome> unmet = new LinkedHashMap<>();
        java.util.Set<Integer> otherwise = new java.util.HashSet<>();
        boolean reached = false;
        boolean connected = false;
        String lastHost = "";
        for (Host host : hosts) {
            if (open.isEmpty()) break;
            HostTls terms = policy.forHost(host, port);
            if (terms instanceof HostTls.Skip skip) {
                log.info("id={} host={} not tried: {}", message.id(), host.name(), skip.reason());
                lastHost = host.name().name();
                for (int i : open) {
                    if (skip.requireTlsUnmet()) {
                        unmet.put(i, new RecipientOutcome.PermanentFailure(i, skip.status(), lastHost, skip.reason()));
                    } else {
                        deferred.put(i, new RecipientOutcome.TemporaryFailure(i, skip.status(), lastHost, skip.reason()));
                        otherwise.add(i);
                    }
                }
                continue;
            }
            HostTls.Connect connect = (HostTls.Connect) terms;
            for (InetAddress address : host.addresses()) {
                if (open.isEmpty()) break;
                String name = host.name().name().startsWith("[") ? host.name().name()
                        : host.name().name() + "[" + address.getHostAddress() + "]";
                lastHost = name;
                Envelope envelope = new Envelope(message.envelope().reversePath(),
                        open.stream().map(i -> message.envelope().recipients().get(i)).toList(), options);
                SmtpConnection.Result result = attempt(message, name, host, new InetSocketAddress(address, port),
                        envelope, facts, relay, connect, policy);
                reached |= result.reached();
                connected = true;
                if (result.outcomes().isEmpty()) ended(result, name).ifPresent(reason -> {
                    for (int i : open) {
                        deferred.put(i, reason.apply(i));
                        otherwise.add(i);
                    }
                });
                for (RcptOutcome outcome : result.outcomes()) {
                    Integer i = index.get(outcome.recipient());
                    if (i == null) continue;
                    RecipientOutcome mapped = map(i, name, outcome, result);
                    if (requireTls && mapped instanceof RecipientOutcome.PermanentFailure p
                            && p.status().equals(REQUIRETLS_NOT_OFFERED)) {
                        unmet.put(i, mapped); // RFC 8689 §4.2.1: try the next MX host
                    } else if (mapped instanceof RecipientOutcome.TemporaryFailure) {
                        deferred.put(i, mapped);
                        otherwise.add(i);
                    } else {
                        decided.put(i, mapped);
                        deferred.remove(i);
                        open.remove(i);
                    }
                }
            }
        }
        if (reached) lease.reached();
        else if (connected) lease.unreachable(); // hosts skipped by policy say nothing of the site's health
        List<RecipientOutcome> outcomes = new ArrayList<>(decided.values());
        String tried = lastHost;
        for (int i : open) {
            if (!otherwise.contains(i) && unmet.containsKey(i)) {
                // RFC 8689 §5: no MX host could take it with REQUIRETLS; the sender gets a DSN.
                outcomes.add(unmet.get(i));
                continue;
            }
            outcomes.add(deferred.getOrDefault(i, new RecipientOutcome.TemporaryFailure(i, UNREACHABLE, tried,
                    "no host of the destination could be reached")));
        }
        return outcomes;
    }

    /**
     * One connection under {@code terms}; after a failed opportunistic TLS handshake, once more in plaintext (as
     * Postfix). Its TLS outcome goes to TLS-RPT.
     */
    private SmtpConnection.Result attempt(SpooledMessage message, String name, Host host, InetSocketAddress address,
                                          Envelope envelope, ContentFacts facts, boolean relay, HostTls.Connect terms,
                                          DestinationTls policy) {
        ClientAuth auth = relay ? settings.relayAuth() : ClientAuth.NONE;
        // A password goes only over TLS, verified by default (RemoteSettings.relayTls).
        if (auth != ClientAuth.NONE) terms = DestinationTls.fromLevel(settings.relayTls(), terms.policy(), terms.policyStrings());
        CertificateCheck check = terms.check().fresh();
        SSLContext context;
        boolean verify;
        boolean checkName;
        if (terms.configuredVerified()) {
            context = verifiedTls;
            verify = true;
            checkName = true;
        } else if (check.kind() == CertificateCheck.Kind.NONE) {
            context = tls;
            verify = false;
            checkName = false;
        } else {
            context = check.context();
            verify = check.enforced();
            checkName = check.checksName();
        }
        // The name the certificate must carry: the MX host's (RFC 7817 §3.2), not the recipient domain's.
        String tlsName = host.name().name().startsWith("[") ? address.getAddress().getHostAddress() : host.name().name();
        var connection = new SmtpConnection(settings, context, verify, checkName, connections, message.id().value(), name,
                tlsName);
        SmtpConnection.Content content = () -> spool.openContent(message.id());
        var result = connection.run(address, new ClientSettings(settings.heloName(), terms.tls(), auth), envelope, facts, content);
        policy.report(terms, check, host, address.getAddress(), result);
        if (result.tlsHandshakeFailed() && terms.tls() == TlsPolicy.OPPORTUNISTIC) {
            log.info("id={} host={} retrying without TLS after a failed handshake", message.id(), name);
            result = connection.run(address, new ClientSettings(settings.heloName(), TlsPolicy.DISABLED, auth), envelope,
                    facts, content);
        }
        return result;
    }

    private boolean policiesOn() {
        return settings.outboundTls().sts().enabled() || settings.outboundTls().dane() != Dane.OFF;
    }

    /** Whether the message's header says {@code TLS-Required: No} (RFC 8689 §3); unreadable counts as no. */
    private boolean tlsRequiredNo(SpooledMessage message) {
        try (InputStream in = spool.openContent(message.id())) {
            return TlsRequiredField.saysNo(in);
        } catch (IOException e) {
            log.info("id={} header unreadable for TLS-Required: {}", message.id(), e.toString());
            return false;
        }
    }

    private static RecipientOutcome map(int i, String host, RcptOutcome outcome, SmtpConnection.Result result) {
        String text = text(outcome.reply());
        EnhancedStatus status = outcome.status();
        return switch (outcome) {
            case RcptOutcome.Delivered d -> new RecipientOutcome.Relayed(i, host, text, result.dsnPassedOn());
            case RcptOutcome.Failed f -> new RecipientOutcome.PermanentFailure(i, status.statusClass() == 5 ? status
                    : EnhancedStatus.of(5, 0, 0), host, text);
            case RcptOutcome.Deferred d -> new RecipientOutcome.TemporaryFailure(i, status.statusClass() == 4 ? status
                    : EnhancedStatus.of(4, 0, 0), host, text);
            case RcptOutcome.OverLimit o -> new RecipientOutcome.TemporaryFailure(i, EnhancedStatus.of(4, 5, 3), host, text);
        };
    }

    /**
     * The session ended before any recipient was decided (a refused greeting, EHLO, STARTTLS or AUTH): the open
     * recipients wait with what the server said, or with Tern's reason, as a temporary failure (RFC 5321
     * §4.2.5: a refusal before the transaction is no verdict on the recipients).
     */
    private static Optional<java.util.function.IntFunction<RecipientOutcome>> ended(SmtpConnection.Result result, String host) {
        Reply reply = switch (result.ending()) {
            case dev.tern.smtp.client.Ending.Refused r -> r.reply();
            case dev.tern.smtp.client.Ending.Abandoned a -> a.reason();
            case dev.tern.smtp.client.Ending.Quit q -> null;
        };
        if (reply == null) return Optional.empty();
        String text = text(reply);
        EnhancedStatus status = reply.enhanced().filter(e -> e.statusClass() == 4)
                .orElse(EnhancedStatus.of(4, reply.enhanced().map(EnhancedStatus::subject).orElse(4),
                        reply.enhanced().map(EnhancedStatus::detail).orElse(0)));
        return Optional.of(i -> new RecipientOutcome.TemporaryFailure(i, status, host, text));
    }

    /**
     * Issue 7: the next attempt starts where the last one failed. When the first recipient's last attempt ended
     * at one of these hosts, the list is turned to begin with the host after it (the order within equal
     * preferences is shuffled anyway), so a host that keeps failing does not eat every attempt's time first.
     */
    static List<Host> resumeAfterLastFailure(SpooledMessage message, List<Integer> recipients, List<Host> hosts) {
        var history = message.recipients().get(recipients.getFirst()).history();
        if (history.isEmpty() || hosts.size() < 2) return hosts;
        String last = history.getLast().host();
        for (int h = 0; h < hosts.size(); h++) {
            if (last.startsWith(hosts.get(h).name().name() + "[") || last.equals(hosts.get(h).name().name())) {
                List<Host> turned = new ArrayList<>(hosts.subList(h + 1, hosts.size()));
                turned.addAll(hosts.subList(0, h + 1));
                return turned;
            }
        }
        return hosts;
    }

    /** A reply on one line, as logs, queue listings and DSNs show it. */
    private static String text(Reply reply) {
        return String.join(" ", reply.toString().split("\r\n"));
    }

    /** Size, 8-bit content and the longest line, measured once per delivery from the spool. */
    private ContentFacts facts(SpooledMessage message) throws IOException {
        DotEncoder scanner = DotEncoder.scanner();
        try (InputStream in = spool.openContent(message.id())) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) scanner.feed(buffer, 0, n);
        }
        scanner.finish();
        return scanner.facts();
    }

    private static List<RecipientOutcome> all(List<Integer> recipients, java.util.function.IntFunction<RecipientOutcome> outcome) {
        return recipients.stream().map(outcome::apply).toList();
    }
}
