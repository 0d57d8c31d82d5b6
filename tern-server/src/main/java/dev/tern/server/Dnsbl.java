package dev.tern.server;

import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import dev.tern.mail.Domain;
import dev.tern.net.Cidr;
import dev.tern.smtp.Reply;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS blocklists at connect (RFC 5782): for a client {@code a.b.c.d} the question {@code d.c.b.a.zone} A (IPv6: the
 * 32 nibbles reversed, §2.4); an answer in 127.0.0.0/8 means listed (§2.1; per zone only the configured codes),
 * and the zone's TXT record for that name says why (§2.1). All zones are asked at once, one virtual thread each,
 * and the whole check ends after {@link DnsblSettings#timeout()}: a zone that times out or answers with an error
 * does not list the client (fail open, logged), so a broken blocklist never stops mail.
 *
 * <p>A listed client gets {@link #greeting} instead of the 220, then only QUIT is answered ({@link BlockedSession}).
 * Thread-safe; each check starts one virtual thread per zone and waits for none past the deadline.
 */
public final class Dnsbl {
    private static final Logger log = LoggerFactory.getLogger(Dnsbl.class);
    private static final Cidr LOOPBACK_NET = Cidr.parse("127.0.0.0/8");
    private static final Cidr ERROR_CODES = Cidr.parse("127.255.255.0/24");
    private static final int MAX_REASON = 200;

    private final DnsblSettings settings;
    private final Resolver resolver;
    private final List<Cidr> exempt;

    /** {@code trusted}: more networks never checked (the relay networks). */
    public Dnsbl(DnsblSettings settings, Resolver resolver, List<String> trusted) {
        if (settings == null || resolver == null) throw new IllegalArgumentException("settings and resolver are required");
        this.settings = settings;
        this.resolver = resolver;
        List<Cidr> networks = new ArrayList<>();
        settings.exemptNetworks().forEach(n -> networks.add(Cidr.parse(n)));
        trusted.forEach(n -> networks.add(Cidr.parse(n)));
        this.exempt = List.copyOf(networks);
    }

    /** What the blocklists say of a client. */
    public sealed interface Listing {
        record Clear() implements Listing {}

        /** {@code reason}: the zone's TXT text, made safe for a reply; empty when it has none. */
        record Listed(DnsblSettings.Zone zone, String reason) implements Listing {}
    }

    public static final Listing CLEAR = new Listing.Clear();

    /** True when {@code client} is checked at all: zones are configured and it is not exempt. */
    public boolean applies(InetAddress client) {
        return !settings.zones().isEmpty() && exempt.stream().noneMatch(n -> n.contains(client));
    }

    /** Asks every zone about {@code client}; the first zone in configured order that lists it wins. */
    public Listing check(String connection, InetAddress client) {
        if (!applies(client)) return CLEAR;
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        List<CompletableFuture<Listing>> answers = new ArrayList<>();
        for (DnsblSettings.Zone zone : settings.zones()) {
            CompletableFuture<Listing> answer = new CompletableFuture<>();
            // Not awaited past the deadline: a late lookup ends within the resolver's own bound, unobserved.
            Thread.ofVirtual().name("dnsbl-" + connection).start(() -> {
                try {
                    answer.complete(ask(connection, zone, client));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
            answers.add(answer);
        }
        Listing result = CLEAR;
        for (int i = 0; i < answers.size(); i++) {
            Listing answer = await(connection, settings.zones().get(i), answers.get(i), deadline);
            if (answer instanceof Listing.Listed && result instanceof Listing.Clear) result = answer;
        }
        return result;
    }

    private Listing await(String connection, DnsblSettings.Zone zone, Future<Listing> answer, long deadline) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException | CancellationException e) {
            log.warn("conn={} dnsbl zone={} no answer within {} ms: not listed", connection, zone.name().name(),
                    settings.timeout().toMillis());
            return CLEAR;
        } catch (ExecutionException e) {
            log.warn("conn={} dnsbl zone={} failed: {}: not listed", connection, zone.name().name(), e.getCause().toString());
            return CLEAR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CLEAR;
        }
    }

    private Listing ask(String connection, DnsblSettings.Zone zone, InetAddress client) {
        Domain name = Domain.parse(queryName(client, zone.name()));
        return switch (resolver.a(name)) {
            case Lookup.Found<InetAddress> found -> {
                if (found.records().stream().noneMatch(a -> listing(zone, a))) yield CLEAR;
                String reason = reason(resolver.txt(name.name()));
                log.info("conn={} dnsbl listed client={} zone={} answer={}", connection, client.getHostAddress(),
                        zone.name().name(), found.records().stream().map(InetAddress::getHostAddress).toList());
                yield new Listing.Listed(zone, reason);
            }
            case Lookup.NoData<InetAddress> n -> CLEAR;
            case Lookup.NxDomain<InetAddress> n -> CLEAR;
            case Lookup.TempFail<InetAddress>(String why) -> {
                log.warn("conn={} dnsbl zone={} temporary failure ({}): not listed", connection, zone.name().name(), why);
                yield CLEAR;
            }
        };
    }

    /** RFC 5782 §2.1: 127.0.0.0/8 answers list; a zone's configured codes narrow that. */
    private static boolean listing(DnsblSettings.Zone zone, InetAddress answer) {
        if (!(answer instanceof Inet4Address) || !LOOPBACK_NET.contains(answer)) return false;
        return zone.codes().isEmpty() ? !ERROR_CODES.contains(answer) : zone.codes().contains(answer);
    }

    /** The first TXT string, printable ASCII only and at most 200 characters: it goes into a reply. */
    private static String reason(Lookup<String> txt) {
        if (!(txt instanceof Lookup.Found<String>(List<String> records, var ttl))) return "";
        StringBuilder safe = new StringBuilder();
        for (char c : records.getFirst().toCharArray()) {
            if (safe.length() >= MAX_REASON) break;
            safe.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        return safe.toString().strip();
    }

    /** RFC 5782 §2.1 and §2.4: the octets, or for IPv6 the 32 nibbles, in reverse order, then the zone. */
    static String queryName(InetAddress client, Domain zone) {
        byte[] octets = client.getAddress();
        StringBuilder name = new StringBuilder();
        for (int i = octets.length - 1; i >= 0; i--) {
            int b = octets[i] & 0xff;
            if (octets.length == 4) {
                name.append(b).append('.');
            } else {
                name.append(Character.forDigit(b & 0xf, 16)).append('.').append(Character.forDigit(b >> 4, 16)).append('.');
            }
        }
        return name.append(zone.name()).toString();
    }

    /**
     * RFC 5321 §3.1: a 554 greeting instead of the 220, then the session waits for QUIT; the text as Postfix's
     * {@code reject_rbl_client}: {@code Service unavailable; client [ip] blocked using zone[: reason]}.
     */
    public static Reply greeting(Listing.Listed listed, InetAddress client) {
        String reason = listed.reason().isEmpty() ? "" : ": " + listed.reason();
        return Reply.of(554, "5.7.1", "Service unavailable; client [" + client.getHostAddress() + "] blocked using "
                + listed.zone().name().name() + reason);
    }
}
