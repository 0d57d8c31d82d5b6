/**
 * DNS for delivery: the {@link dev.tern.dns.Resolver} SPI, its dnsjava implementation
 * {@link dev.tern.dns.DnsjavaResolver}, and {@link dev.tern.dns.CachingResolver}, a TTL-respecting
 * cache in front of any resolver.
 *
 * <p>Every answer is a {@link dev.tern.dns.Lookup}: records found, no data, no such domain, or a temporary
 * failure. Nothing here throws for what a DNS server says or fails to say; a timeout or a SERVFAIL is a value the
 * caller must retry later, and only NXDOMAIN is permanent. The package depends on {@code tern-mail} and dnsjava, and
 * knows nothing of SMTP; routing over these answers lives in {@code dev.tern.delivery.route}.
 */
package dev.tern.dns;
