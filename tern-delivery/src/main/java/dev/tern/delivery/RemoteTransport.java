package dev.tern.delivery;

import dev.tern.delivery.route.Host;
import dev.tern.delivery.route.MxRouter;
import dev.tern.delivery.route.Route;
import dev.tern.delivery.route.RouteTarget;
import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Envelope;
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
import javax.net.ssl.SSLContext;
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

    private final RemoteSettings settings;
    private final Spool spool;
    private final MxRouter router;
    private final SSLContext tls;
    private final Destinations destinations;
    private final ConnectionCache connections;

    RemoteTransport(RemoteSettings settings, Spool spool, MxRouter router, SSLContext tls, Destinations destinations,
                    ConnectionCache connections) {
        this.settings = settings;
        this.spool = spool;
        this.router = router;
        this.tls = tls;
        this.destinations = destinations;
        this.connections = connections;
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
                try (Destinations.Lease lease = destinations.acquire(destination)) {
                    yield overHosts(message, recipients, hosts.hosts(), port, target.isPresent() && settings.relayHost().isPresent(), lease);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    yield all(recipients, i -> new RecipientOutcome.TemporaryFailure(i, INTERRUPTED, "", "server stopping"));
                }
            }
        };
    }

    private List<RecipientOutcome> overHosts(SpooledMessage message, List<Integer> recipients, List<Host> hosts,
                                             int port, boolean relay, Destinations.Lease lease) {
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
        boolean reached = false;
        String lastHost = "";
        for (Host host : hosts) {
            for (InetAddress address : host.addresses()) {
                if (open.isEmpty()) break;
                String name = host.name().name().startsWith("[") ? host.name().name()
                        : host.name().name() + "[" + address.getHostAddress() + "]";
                lastHost = name;
                Envelope envelope = new Envelope(message.envelope().reversePath(),
                        open.stream().map(i -> message.envelope().recipients().get(i)).toList(),
                        message.envelope().options());
                SmtpConnection.Result result = attempt(message, name, host, new InetSocketAddress(address, port),
                        envelope, facts, relay);
                reached |= result.reached();
                if (result.outcomes().isEmpty()) ended(result, name).ifPresent(reason -> {
                    for (int i : open) deferred.put(i, reason.apply(i));
                });
                for (RcptOutcome outcome : result.outcomes()) {
                    Integer i = index.get(outcome.recipient());
                    if (i == null) continue;
                    RecipientOutcome mapped = map(i, name, outcome, result);
                    if (mapped instanceof RecipientOutcome.TemporaryFailure) {
                        deferred.put(i, mapped);
                    } else {
                        decided.put(i, mapped);
                        deferred.remove(i);
                        open.remove(i);
                    }
                }
            }
        }
        if (reached) lease.reached();
        else lease.unreachable();
        List<RecipientOutcome> outcomes = new ArrayList<>(decided.values());
        String tried = lastHost;
        for (int i : open) {
            outcomes.add(deferred.getOrDefault(i, new RecipientOutcome.TemporaryFailure(i, UNREACHABLE, tried,
                    "no host of the destination could be reached")));
        }
        return outcomes;
    }

    /** One connection; after a failed opportunistic TLS handshake, once more in plaintext (as Postfix). */
    private SmtpConnection.Result attempt(SpooledMessage message, String name, Host host, InetSocketAddress address,
                                          Envelope envelope, ContentFacts facts, boolean relay) {
        ClientAuth auth = relay ? settings.relayAuth() : ClientAuth.NONE;
        TlsPolicy policy = relay && auth != ClientAuth.NONE ? TlsPolicy.REQUIRED : settings.tls();
        var connection = new SmtpConnection(settings, tls, connections, message.id().value(), name);
        SmtpConnection.Content content = () -> spool.openContent(message.id());
        var result = connection.run(address, new ClientSettings(settings.heloName(), policy, auth), envelope, facts, content);
        if (result.tlsHandshakeFailed() && policy == TlsPolicy.OPPORTUNISTIC) {
            log.info("id={} host={} retrying without TLS after a failed handshake", message.id(), name);
            result = connection.run(address, new ClientSettings(settings.heloName(), TlsPolicy.DISABLED, auth), envelope,
                    facts, content);
        }
        return result;
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
