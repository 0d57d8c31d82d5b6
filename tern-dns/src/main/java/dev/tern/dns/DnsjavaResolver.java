package dev.tern.dns;

import dev.tern.mail.Domain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A {@link Resolver} that asks recursive DNS servers over the network with dnsjava: one {@link SimpleResolver} per
 * configured server (UDP with EDNS0, and TCP when an answer comes back truncated) behind an
 * {@link ExtendedResolver} that retries and moves on to the next server. It does no caching; put a
 * {@link CachingResolver} in front.
 *
 * <p>dnsjava runs its own selector thread for the sockets; the calling thread blocks for at most
 * {@link DnsSettings#worstCase()} plus one second per query (dnsjava checks timeouts about once a second, so a try's
 * timeout under a second behaves as about a second), and a CNAME the server did not resolve costs one more query.
 */
public final class DnsjavaResolver implements Resolver {
    private static final Logger log = LoggerFactory.getLogger(DnsjavaResolver.class);

    private static final Duration NIO_SLACK = Duration.ofSeconds(1);

    private final ExtendedResolver resolver;

    public DnsjavaResolver(DnsSettings settings) {
        List<org.xbill.DNS.Resolver> servers = new ArrayList<>();
        for (var address : settings.servers()) {
            SimpleResolver server = new SimpleResolver(address);
            server.setTimeout(settings.timeout());
            servers.add(server);
        }
        resolver = new ExtendedResolver(servers);
        resolver.setLoadBalance(false);
        resolver.setRetries(settings.retries() + 1); // dnsjava counts tries, the first one included
        // ExtendedResolver's own timeout bounds the whole question. dnsjava's selector notices a try's timeout up to
        // a second late, so the whole question gets that second more than the tries themselves.
        resolver.setTimeout(settings.worstCase().plus(NIO_SLACK));
    }

    @Override
    public Lookup<Mx> mx(Domain domain) {
        return query(name(domain), Type.MX, DnsjavaResolver::mxOf);
    }

    @Override
    public Lookup<InetAddress> a(Domain host) {
        return query(name(host), Type.A, r -> ((ARecord) r).getAddress());
    }

    @Override
    public Lookup<InetAddress> aaaa(Domain host) {
        return query(name(host), Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    @Override
    public Lookup<String> txt(String name) {
        return query(name(name), Type.TXT, DnsjavaResolver::txtOf);
    }

    @Override
    public Lookup<String> ptr(InetAddress address) {
        return query(ReverseMap.fromAddress(address), Type.PTR,
                r -> ((PTRRecord) r).getTarget().toString(true).toLowerCase(Locale.ROOT));
    }

    @Override
    public Lookup<Mx> mx(String name) {
        return query(name(name), Type.MX, DnsjavaResolver::mxOf);
    }

    @Override
    public Lookup<InetAddress> a(String name) {
        return query(name(name), Type.A, r -> ((ARecord) r).getAddress());
    }

    @Override
    public Lookup<InetAddress> aaaa(String name) {
        return query(name(name), Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    /**
     * The character-strings joined, as octets decoded as UTF-8: dnsjava's {@code getStrings()} writes a quote, a
     * backslash or a non-ASCII octet as a {@code \DDD} escape, which would change the record (an SPF exp= text, a
     * DKIM key's notes) and hide non-ASCII octets that RFC 7208 §3.1 makes a permerror.
     */
    private static String txtOf(Record r) {
        StringBuilder sb = new StringBuilder();
        for (byte[] string : ((TXTRecord) r).getStringsAsByteArrays()) sb.append(new String(string, StandardCharsets.UTF_8));
        return sb.toString();
    }

    private static Mx mxOf(Record r) {
        MXRecord mx = (MXRecord) r;
        return new Mx(mx.getPriority(), mx.getTarget().equals(Name.root) ? Mx.ROOT : mx.getTarget().toString(true));
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }

    private static Name name(Domain domain) {
        if (domain.isLiteral()) throw new IllegalArgumentException("an address literal has no DNS records: " + domain);
        try {
            return Name.fromString(domain.name() + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + domain, e); // a valid Domain always parses
        }
    }

    /**
     * Asks for {@code type} at {@code name}, following the CNAMEs in the answer (RFC 1034 §3.6.2), and asking again
     * for the last target when the server stopped at a CNAME. Bounded: at most {@link #MAX_CNAME_CHAIN} CNAMEs, so
     * at most that many queries plus one.
     */
    private <T> Lookup<T> query(Name name, int type, Function<Record, T> extract) {
        Name current = name;
        Set<Name> seen = new HashSet<>(List.of(name));
        long ttl = Long.MAX_VALUE;
        for (int queries = 0; queries <= MAX_CNAME_CHAIN; queries++) {
            Message response;
            try {
                response = resolver.send(Message.newQuery(Record.newRecord(current, type, DClass.IN)));
            } catch (SocketTimeoutException e) {
                return tempFail(name, type, "timeout");
            } catch (IOException e) {
                return tempFail(name, type, "no answer (" + e.getMessage() + ")");
            }
            int rcode = response.getRcode();
            // RFC 6604 §3: after a CNAME the RCODE speaks of the last name in the chain, which is still no answer.
            if (rcode == Rcode.NXDOMAIN) return new Lookup.NxDomain<>(negativeTtl(response));
            if (rcode != Rcode.NOERROR) return tempFail(name, type, Rcode.string(rcode));
            List<Record> answer = response.getSection(Section.ANSWER);
            Name askedFor = current;
            for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
                List<T> found = new ArrayList<>();
                long foundTtl = ttl;
                for (Record r : answer) {
                    if (r.getType() == type && r.getDClass() == DClass.IN && r.getName().equals(current)) {
                        found.add(extract.apply(r));
                        foundTtl = Math.min(foundTtl, r.getTTL());
                    }
                }
                if (!found.isEmpty()) return new Lookup.Found<>(found, Duration.ofSeconds(foundTtl));
                CNAMERecord cname = cnameOf(answer, current);
                if (cname == null) break;
                current = cname.getTarget();
                ttl = Math.min(ttl, cname.getTTL());
                if (!seen.add(current)) return tempFail(name, type, "CNAME loop at " + current);
                if (seen.size() > MAX_CNAME_CHAIN + 1) return tempFail(name, type, "more than 10 CNAMEs");
            }
            if (current.equals(askedFor)) return new Lookup.NoData<>(negativeTtl(response));
            // The server answered with CNAMEs but nothing at their end: ask for the end itself.
        }
        return tempFail(name, type, "more than 10 CNAMEs");
    }

    private static CNAMERecord cnameOf(List<Record> answer, Name owner) {
        for (Record r : answer) {
            if (r instanceof CNAMERecord c && r.getName().equals(owner)) return c;
        }
        return null;
    }

    /** RFC 2308 §5: the negative TTL is the smaller of the SOA record's TTL and its MINIMUM field. */
    private static Duration negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) return Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum()));
        }
        return Duration.ZERO; // RFC 2308 §5: without an SOA a negative answer is not cached
    }

    private static <T> Lookup<T> tempFail(Name name, int type, String reason) {
        log.debug("DNS {} {}: {}", Type.string(type), name, reason);
        return new Lookup.TempFail<>(reason + " for " + Type.string(type) + " " + name.toString(true));
    }
}
