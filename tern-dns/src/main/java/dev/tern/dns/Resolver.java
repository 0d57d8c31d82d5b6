package dev.tern.dns;

import dev.tern.mail.Domain;
import java.net.InetAddress;

/**
 * Answers the DNS questions delivery asks. Implementations: {@link DnsjavaResolver} (the network) and
 * {@link CachingResolver} (a cache in front of another resolver).
 *
 * <p>Contract: every method blocks the calling (virtual) thread for at most a bounded time set by the
 * implementation's settings, never throws for anything a DNS server does, and is safe to call from many threads at
 * once. CNAMEs are followed (at most {@link #MAX_CNAME_CHAIN} of them); a loop or a longer chain is a
 * {@link Lookup.TempFail}. An address literal is not a DNS name: passing one is a caller's bug
 * ({@link IllegalArgumentException}).
 */
public interface Resolver {
    /** CNAMEs followed for one question, as Postfix (and RFC 1034 §5.3.3's "don't loop") bound it. */
    int MAX_CNAME_CHAIN = 10;

    /** The MX records of {@code domain}, in the order the server sent them. */
    Lookup<Mx> mx(Domain domain);

    /** The IPv4 addresses of {@code host} (A records). */
    Lookup<InetAddress> a(Domain host);

    /** The IPv6 addresses of {@code host} (AAAA records). */
    Lookup<InetAddress> aaaa(Domain host);

    /**
     * The TXT records of {@code name}, each one's character-strings joined without separators (RFC 7208 §3.3)
     * and decoded as UTF-8 (octet for octet the same as ASCII for the ASCII records of SPF, DKIM and DMARC).
     * {@code name} is a DNS name, not necessarily a host name ({@code _dmarc.example.com},
     * {@code _mta-sts.example.com}); an unparseable one is an {@link IllegalArgumentException}.
     */
    Lookup<String> txt(String name);

    /**
     * The names of {@code address} (PTR records at its {@code in-addr.arpa} or {@code ip6.arpa} name, RFC 1035
     * §3.5, RFC 3596 §2.5), lower case, without the trailing dot.
     */
    Lookup<String> ptr(InetAddress address);

    /**
     * The MX records of a DNS name that need not be a host name ({@code _spf.example.com}: SPF's domain-spec, RFC
     * 7208 §4.8, may expand to any name); an unparseable one is an {@link IllegalArgumentException}.
     */
    Lookup<Mx> mx(String name);

    /** The IPv4 addresses at a DNS name that need not be a host name ({@code 1.2.0.192._spf.example.com}). */
    Lookup<InetAddress> a(String name);

    /** The IPv6 addresses at a DNS name that need not be a host name. */
    Lookup<InetAddress> aaaa(String name);
}
