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
     * The TXT records of {@code name}, each one's character-strings joined without separators (RFC 7208 §3.3).
     * {@code name} is a DNS name, not necessarily a host name ({@code _dmarc.example.com},
     * {@code _mta-sts.example.com}); an unparseable one is an {@link IllegalArgumentException}.
     */
    Lookup<String> txt(String name);
}
