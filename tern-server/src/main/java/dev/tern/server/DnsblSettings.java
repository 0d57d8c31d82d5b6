package dev.tern.server;

import dev.tern.mail.Domain;
import dev.tern.net.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * DNS blocklists asked when a client connects to an SMTP (MX) listener ({@link Dnsbl}); never on submission.
 *
 * @param zones          the blocklists, asked in parallel; none (the default) turns the check off
 * @param timeout        the bound on all lookups of one connection together; a zone that has not answered by
 *                       then counts as not listing the client (fail open), as a DNS error does
 * @param exemptNetworks clients never checked (default loopback); {@link ServerSettings#relayNetworks()} are
 *                       exempt too
 */
public record DnsblSettings(List<Zone> zones, Duration timeout, List<String> exemptNetworks) {
    public DnsblSettings {
        zones = List.copyOf(zones);
        exemptNetworks = List.copyOf(exemptNetworks);
        exemptNetworks.forEach(Cidr::parse); // refused here, under its key, rather than at the first connection
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("dnsbl timeout must be more than zero and at most 60 seconds");
        }
        if (zones.size() > 20) throw new IllegalArgumentException("at most 20 dnsbl zones");
    }

    public static DnsblSettings defaults() {
        return new DnsblSettings(List.of(), Duration.ofSeconds(5), List.of("127.0.0.0/8", "::1/128"));
    }

    /** The same with {@code zones} as written in the config: {@code zone} or {@code zone=127.0.0.2,127.0.0.4}. */
    public DnsblSettings withZones(List<String> value) {
        return new DnsblSettings(value.stream().map(Zone::parse).toList(), timeout, exemptNetworks);
    }

    public DnsblSettings withTimeout(Duration value) {
        return new DnsblSettings(zones, value, exemptNetworks);
    }

    public DnsblSettings withExemptNetworks(List<String> value) {
        return new DnsblSettings(zones, timeout, value);
    }

    /**
     * One blocklist.
     *
     * @param name  the zone, e.g. {@code zen.spamhaus.org}
     * @param codes the answers that mean "listed"; empty: any address in 127.0.0.0/8 but 127.255.255.0/24, which
     *              Spamhaus and others use for "your query was refused", not for a listing
     */
    public record Zone(Domain name, Set<InetAddress> codes) {
        public Zone {
            if (name == null || name.isLiteral()) throw new IllegalArgumentException("a dnsbl zone is a domain name");
            codes = Set.copyOf(codes);
            for (InetAddress code : codes) {
                if (code.getAddress().length != 4 || (code.getAddress()[0] & 0xff) != 127) {
                    throw new IllegalArgumentException("dnsbl answer codes are addresses in 127.0.0.0/8");
                }
            }
        }

        /** {@code zone} or {@code zone=127.0.0.2,127.0.0.4}. */
        public static Zone parse(String text) {
            int eq = text.indexOf('=');
            Domain name = Domain.parse((eq < 0 ? text : text.substring(0, eq)).strip());
            Set<InetAddress> codes = new LinkedHashSet<>();
            if (eq >= 0) {
                for (String code : text.substring(eq + 1).split(",", -1)) {
                    codes.add(ipv4(code.strip()));
                }
            }
            return new Zone(name, codes);
        }

        private static InetAddress ipv4(String text) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) throw new IllegalArgumentException("dnsbl answer code is not an IPv4 address: " + text);
            byte[] octets = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                    throw new IllegalArgumentException("dnsbl answer code is not an IPv4 address: " + text);
                }
                octets[i] = (byte) Integer.parseInt(parts[i]);
            }
            try {
                return InetAddress.getByAddress(octets);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four octets are always an address", e);
            }
        }

        @Override
        public String toString() {
            if (codes.isEmpty()) return name.name();
            List<String> written = new ArrayList<>();
            codes.forEach(c -> written.add(c.getHostAddress()));
            return name.name() + "=" + String.join(",", written);
        }
    }
}
