package dev.tern.delivery.route;

import java.util.Locale;

/**
 * Which address families outbound delivery uses. {@link #BOTH}, the default, puts a host's IPv4 addresses before
 * its IPv6 ones: large receivers refuse IPv6 senders without a matching PTR record, and IPv4 is the family every
 * receiver reaches. {@link #IPV4} and {@link #IPV6} do not even ask for the other family's records.
 */
public enum IpPreference {
    IPV4, IPV6, BOTH;

    /** Parses {@code ipv4}, {@code ipv6} or {@code both}, in any case. */
    public static IpPreference parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "ipv4" -> IPV4;
            case "ipv6" -> IPV6;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("IP preference is ipv4, ipv6 or both: " + text);
        };
    }

    boolean wantsIpv4() {
        return this != IPV6;
    }

    boolean wantsIpv6() {
        return this != IPV4;
    }
}
