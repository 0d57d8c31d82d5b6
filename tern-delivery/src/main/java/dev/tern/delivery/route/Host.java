package dev.tern.delivery.route;

import dev.tern.mail.Domain;
import java.net.InetAddress;
import java.util.List;

/**
 * One mail host of a {@link Route.Hosts}, with the addresses to connect to in order.
 *
 * @param name       the MX exchange, the domain itself for an implicit MX, the configured host, or the address literal
 *                   (what TLS verification and logs name)
 * @param preference the MX preference; 0 where no MX record stood behind the host
 * @param addresses  at least one
 */
public record Host(Domain name, int preference, List<InetAddress> addresses) {
    public Host {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) throw new IllegalArgumentException("a host needs at least one address");
        if (preference < 0 || preference > 0xFFFF) throw new IllegalArgumentException("MX preference is 0..65535");
    }
}
