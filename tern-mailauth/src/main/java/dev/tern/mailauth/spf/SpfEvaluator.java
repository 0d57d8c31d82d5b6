package dev.tern.mailauth.spf;

import dev.tern.dns.Resolver;
import dev.tern.mail.ReversePath;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF's check_host() (RFC 7208 §4) for the MAIL FROM or HELO identity: record selection (§4.5), the mechanisms of §5,
 * {@code redirect=} and {@code exp=} (§6), the macros of §7, and the processing limits of §4.6.4 (10 terms that ask
 * DNS over the whole evaluation, 10 MX names per {@code mx}, 10 PTR names, 2 void lookups) and an overall time limit
 * (§4.6.4 "SHOULD impose a limit on the maximum amount of elapsed time"), past which the result is temperror.
 *
 * <p>Thread-safe and reusable: each call keeps its own counters. It blocks the calling (virtual) thread on DNS for at
 * most the time limit plus one resolver question (the resolver's own bound). Nothing a DNS server or a record says
 * throws: it becomes a result.
 */
public final class SpfEvaluator {
    private static final Logger log = LoggerFactory.getLogger(SpfEvaluator.class);

    /** The default overall time limit; RFC 7208 §4.6.4 suggests at least 20 seconds. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(20);
    /** §4.6.4: terms that cause DNS queries (include, a, mx, ptr, exists, redirect) over the whole evaluation. */
    public static final int MAX_DNS_TERMS = 10;
    /** §4.6.4: lookups answered NXDOMAIN or NODATA over the whole evaluation; one more is permerror. */
    public static final int MAX_VOID_LOOKUPS = 2;
    /** §4.6.4: MX records one {@code mx} mechanism may consider; more is permerror. */
    public static final int MAX_MX_NAMES = 10;
    /** §4.6.4: PTR names one {@code ptr} mechanism or {@code %{p}} validates; the rest are ignored. */
    public static final int MAX_PTR_NAMES = 10;

    private final Resolver resolver;
    private final Duration timeLimit;
    private final String receiver;
    private final Clock clock;

    /**
     * @param timeLimit how long one check may take before it is temperror
     * @param receiver  the receiving host's name, for {@code %{r}} in explanations (§7.2)
     * @param clock     for {@code %{t}}
     */
    public SpfEvaluator(Resolver resolver, Duration timeLimit, String receiver, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver);
        if (timeLimit.isNegative() || timeLimit.isZero()) throw new IllegalArgumentException("time limit must be positive");
        this.timeLimit = timeLimit;
        this.receiver = Objects.requireNonNull(receiver);
        this.clock = Objects.requireNonNull(clock);
    }

    public SpfEvaluator(Resolver resolver) {
        this(resolver, DEFAULT_TIME_LIMIT, "unknown", Clock.systemUTC());
    }

    /**
     * check_host(ip, domain, sender) of §4.
     *
     * @param clientIp the SMTP client's address; an IPv4-mapped IPv6 address is treated as IPv4 (§5.6's note)
     * @param domain   the MAIL FROM domain, or for the HELO identity the HELO name (§2.3)
     * @param sender   the MAIL FROM address, or {@code postmaster@<helo>} for the HELO identity; an empty local part
     *                 becomes {@code postmaster} (§4.3)
     * @param helo     the HELO/EHLO name, for {@code %{h}}
     */
    public SpfResult check(InetAddress clientIp, String domain, String sender, String helo) {
        InetAddress ip = unmapped(clientIp);
        String d = stripDot(domain).toLowerCase(Locale.ROOT);
        int at = sender.lastIndexOf('@');
        String fullSender = at < 0 ? "postmaster@" + sender : at == 0 ? "postmaster" + sender : sender;
        long deadline = System.nanoTime() + timeLimit.toNanos();
        SpfEvaluation evaluation = new SpfEvaluation(resolver, ip, fullSender, helo, receiver,
                clock.instant().getEpochSecond(), deadline);
        if (!SpfEvaluation.isCheckableDomain(d)) return SpfResult.of(SpfResult.Kind.NONE, d, "not a domain name"); // §4.3
        SpfResult result = evaluation.checkHost(d);
        if (evaluation.timedOut()) {
            result = SpfResult.of(SpfResult.Kind.TEMPERROR, d, "time limit of " + timeLimit.toSeconds() + " s reached");
        } else if (!result.domain().equals(d)) {
            result = new SpfResult(result.kind(), d, result.mechanism(), result.explanation(),
                    result.reason());
        }
        log.debug("SPF {} for {} from {}: {}", result.kind().token(), d, ip.getHostAddress(), result.reason());
        return result;
    }

    /**
     * The MAIL FROM identity (§2.4): the reverse-path's domain, or for the null reverse-path {@code <>} the HELO
     * identity as {@code postmaster@<helo>}.
     */
    public SpfResult checkMailFrom(InetAddress clientIp, ReversePath reversePath, String helo) {
        return switch (reversePath) {
            case ReversePath.Null n -> checkHelo(clientIp, helo);
            case ReversePath.Sender s -> check(clientIp, s.mailbox().domain().name(),
                    s.mailbox().localPart() + "@" + s.mailbox().domain().name(), helo);
        };
    }

    /** The HELO identity (§2.3): {@code helo} as the domain, {@code postmaster@<helo>} as the sender. */
    public SpfResult checkHelo(InetAddress clientIp, String helo) {
        return check(clientIp, helo, "postmaster@" + stripDot(helo), helo);
    }

    /** §5.6: an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is the IPv4 address. */
    static InetAddress unmapped(InetAddress ip) {
        if (!(ip instanceof Inet6Address)) return ip;
        byte[] b = ip.getAddress();
        for (int i = 0; i < 10; i++) if (b[i] != 0) return ip;
        if ((b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) return ip;
        try {
            return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four octets are an IPv4 address", e);
        }
    }

    static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
