package dev.tern.delivery.dane;

import dev.tern.delivery.dane.ValidatingLookup.Answer;
import dev.tern.dns.DnsSettings;
import dev.tern.mail.Domain;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link Dane} over DNSSEC-validated DNS (RFC 7672 §2.2): dnsjava's validating resolver in front of the configured
 * recursive servers, starting from {@link TrustAnchors} (the IANA root unless the operator gives a file).
 *
 * <p>{@link #lookup} asks for the host's A and AAAA records and then its TLSA records (at two names when the host
 * name is a secure CNAME), plus the validator's DS and DNSKEY questions, which it caches; {@link #mxSecure} asks
 * one question. Each call takes at most {@code timeout} in all, then its answer is a lookup failure. Secure answers
 * are cached for their TTL. Thread-safe; blocks its caller; never throws.
 */
public final class DnssecDane implements Dane {
    private static final Logger log = LoggerFactory.getLogger(DnssecDane.class);

    /** Time for one {@link #mxSecure} or {@link #lookup} call, the validator's DS and DNSKEY questions included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final ValidatingLookup dns;
    private final TlsaMatcher matcher;
    private final long timeoutNanos;

    /** With {@link #DEFAULT_TIMEOUT} and the system clock. */
    public DnssecDane(DnsSettings dns, TrustAnchors anchors) {
        this(dns, anchors, DEFAULT_TIMEOUT, Clock.systemUTC());
    }

    /**
     * @param dns     the recursive servers ({@code dns.servers}); they must pass DNSSEC records through
     * @param anchors where validation starts ({@link TrustAnchors#ianaRoot()}, or {@code dns.trust_anchor})
     * @param timeout the longest one {@link #mxSecure} or {@link #lookup} call may take
     * @param clock   for the validity of DANE-TA leaf certificates
     */
    public DnssecDane(DnsSettings dns, TrustAnchors anchors, Duration timeout, Clock clock) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.dns = new ValidatingLookup(dns, anchors);
        this.timeoutNanos = timeout.toNanos();
        this.matcher = new TlsaMatcher(clock);
    }

    /**
     * RFC 7672 §2.2.1: the MX RRset is secure, or its absence is securely proven (then the domain is its own MX host,
     * RFC 5321 §5.1, and its address records are checked by {@link #lookup}).
     */
    @Override
    public boolean mxSecure(Domain domain) {
        return mxSecurity(domain) == MxSecurity.SECURE;
    }

    @Override
    public MxSecurity mxSecurity(Domain domain) {
        if (domain.isLiteral()) return MxSecurity.INSECURE;
        Name name = name(domain.name());
        if (name == null) return MxSecurity.INSECURE;
        Answer mx = dns.query(name, Type.MX, System.nanoTime() + timeoutNanos);
        log.debug("DANE MX {}: {}", domain.name(), mx);
        return switch (mx) {
            case Answer.Secure s -> MxSecurity.SECURE;
            case Answer.SecureDenial d -> MxSecurity.SECURE;
            case Answer.Insecure i -> MxSecurity.INSECURE;
            case Answer.Bogus b -> MxSecurity.BOGUS;
            case Answer.Failed f -> MxSecurity.BOGUS;
        };
    }

    /**
     * Whether the DNS servers pass DNSSEC records through, so that validation can work at all: the root zone's
     * DNSKEY RRset validates against the trust anchors. A server that strips signatures makes every answer bogus;
     * with such servers DANE must stay off, or all mail would wait.
     */
    public boolean validates() {
        return dns.query(Name.root, Type.DNSKEY, System.nanoTime() + timeoutNanos) instanceof Answer.Secure;
    }

    @Override
    public DaneDecision lookup(String mxHost, int port, boolean mxSecure) {
        try {
            DaneDecision decision = decide(mxHost, port, mxSecure);
            log.debug("DANE {}:{}: {}", mxHost, port, decision);
            return decision;
        } catch (RuntimeException e) {
            // A bug or a malformed record dnsjava could not handle: wait rather than fall back (RFC 7672 §2.2).
            log.warn("DANE lookup for {} failed", mxHost, e);
            return new DaneDecision.Defer("DANE lookup failed", false);
        }
    }

    @Override
    public boolean matches(X509Certificate[] chain, DaneDecision.Authenticate decision) {
        return matcher.matches(chain, decision);
    }

    private DaneDecision decide(String mxHost, int port, boolean mxSecure) {
        // RFC 7672 §2.2.1: MX hosts from an insecure MX RRset do not get DANE.
        if (!mxSecure) return new DaneDecision.NotApplicable("MX RRset not DNSSEC-secure");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port " + port);
        long deadline = System.nanoTime() + timeoutNanos;
        Name initial = name(mxHost);
        if (initial == null) return new DaneDecision.NotApplicable("not a DNS name: " + mxHost);

        // RFC 7672 §2.2.2: the address records must be secure too, and tell the host's final name after CNAMEs.
        Answer a = dns.query(initial, Type.A, deadline);
        Answer aaaa = dns.query(initial, Type.AAAA, deadline);
        DaneDecision unusable = unusableAddresses(a, aaaa);
        if (unusable != null) return unusable;
        Name last = a instanceof Answer.Secure s ? s.owner() : ((Answer.Secure) aaaa).owner();

        // RFC 7672 §2.2.2: TLSA at the final name first, then at the initial name; each base is a reference ID.
        List<Name> bases = last.equals(initial) ? List.of(initial) : List.of(last, initial);
        for (Name base : bases) {
            Name tlsaName = tlsaName(port, base);
            Answer tlsa = dns.query(tlsaName, Type.TLSA, deadline);
            switch (tlsa) {
                case Answer.Secure s -> {
                    return authenticate(s, port, initial, base);
                }
                case Answer.SecureDenial d -> {
                    // no TLSA at this base: try the next
                }
                case Answer.Insecure i -> {
                    return new DaneDecision.NotApplicable("TLSA records not DNSSEC-secure: " + i.why());
                }
                case Answer.Bogus b -> {
                    return new DaneDecision.Defer("TLSA lookup bogus: " + b.why(), true);
                }
                case Answer.Failed f -> {
                    return new DaneDecision.Defer("TLSA lookup failed: " + f.why(), false);
                }
            }
        }
        return new DaneDecision.NotApplicable("no TLSA records for " + text(initial));
    }

    /** Null when at least one address RRset is secure and none is bogus, failed or insecure. */
    private static DaneDecision unusableAddresses(Answer a, Answer aaaa) {
        for (Answer answer : List.of(a, aaaa)) {
            if (answer instanceof Answer.Bogus b) return new DaneDecision.Defer("address lookup bogus: " + b.why(), true);
        }
        for (Answer answer : List.of(a, aaaa)) {
            if (answer instanceof Answer.Failed f) return new DaneDecision.Defer("address lookup failed: " + f.why(), false);
        }
        for (Answer answer : List.of(a, aaaa)) {
            if (answer instanceof Answer.Insecure i) return new DaneDecision.NotApplicable("address records not secure: " + i.why());
        }
        if (!(a instanceof Answer.Secure) && !(aaaa instanceof Answer.Secure)) {
            return new DaneDecision.NotApplicable("no address records");
        }
        return null;
    }

    /**
     * RFC 7672 §2.2: records that parse but carry unknown usages, selectors or matching types stay in the RRset as
     * unusable ones ({@link Tlsa#usable()}); TLS is then still mandatory. An RRset dnsjava could not parse at all
     * never gets here: that is a failed lookup.
     */
    private static DaneDecision authenticate(Answer.Secure tlsa, int port, Name initial, Name base) {
        List<Tlsa> records = new ArrayList<>();
        for (Record r : tlsa.records()) {
            if (r instanceof TLSARecord t) {
                records.add(new Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                        t.getCertificateAssociationData()));
            }
        }
        if (records.isEmpty()) return new DaneDecision.Defer("TLSA answer without TLSA records", false);
        // RFC 7672 §3.2.2: the MX host name, the TLSA base domain, and the base a TLSA CNAME led to.
        Set<String> names = new LinkedHashSet<>(List.of(text(initial), text(base)));
        Name owner = tlsa.owner();
        String prefix = "_" + port + "._tcp.";
        String ownerText = text(owner);
        if (ownerText.startsWith(prefix) && ownerText.length() > prefix.length()) {
            names.add(ownerText.substring(prefix.length()));
        }
        return new DaneDecision.Authenticate(records, owner.toString(), List.copyOf(names));
    }

    private static Name tlsaName(int port, Name base) {
        try {
            return Name.concatenate(Name.fromString("_" + port + "._tcp"), base);
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException("no TLSA name for " + base, e);
        }
    }

    private static Name name(String host) {
        try {
            String h = host.strip();
            if (h.isEmpty() || h.startsWith("[")) return null;
            return Name.fromString(h.endsWith(".") ? h : h + ".").canonicalize();
        } catch (TextParseException e) {
            return null;
        }
    }

    private static String text(Name name) {
        return name.canonicalize().toString(true);
    }
}
