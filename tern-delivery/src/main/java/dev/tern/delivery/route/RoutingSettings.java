package dev.tern.delivery.route;

import dev.tern.mail.Domain;
import java.net.InetAddress;
import java.util.Set;

/**
 * What {@link MxRouter} needs to know about this server and how far it may go.
 *
 * @param hostname      this server's name: an MX naming it is this server (RFC 5321 §5.1)
 * @param ownAddresses  the addresses this server listens on (a wildcard listener expanded to the interfaces'
 *                      addresses): an MX resolving to one of them is this server
 * @param ipPreference  the address families to use, and their order
 * @param maxHosts      MX hosts resolved per route, best preference first
 * @param maxAddresses  addresses in a route in all, as Postfix's {@code smtp_mx_address_limit} (5)
 */
public record RoutingSettings(Domain hostname, Set<InetAddress> ownAddresses, IpPreference ipPreference,
                              int maxHosts, int maxAddresses) {
    public RoutingSettings {
        ownAddresses = Set.copyOf(ownAddresses);
        if (hostname == null || hostname.isLiteral()) throw new IllegalArgumentException("hostname is a host name");
        if (ipPreference == null) throw new IllegalArgumentException("ipPreference is required");
        if (maxHosts < 1 || maxHosts > 100) throw new IllegalArgumentException("maxHosts is 1..100");
        if (maxAddresses < 1 || maxAddresses > 100) throw new IllegalArgumentException("maxAddresses is 1..100");
    }

    /** {@code localhost}, no own addresses, both families (IPv4 first), at most 5 hosts and 5 addresses. */
    public static RoutingSettings defaults() {
        return new RoutingSettings(Domain.parse("localhost"), Set.of(), IpPreference.BOTH, 5, 5);
    }

    public RoutingSettings withSelf(Domain hostname, Set<InetAddress> ownAddresses) {
        return new RoutingSettings(hostname, ownAddresses, ipPreference, maxHosts, maxAddresses);
    }

    public RoutingSettings withIpPreference(IpPreference ipPreference) {
        return new RoutingSettings(hostname, ownAddresses, ipPreference, maxHosts, maxAddresses);
    }
}
