package dev.tern.delivery;

import dev.tern.delivery.dane.Dane;
import dev.tern.delivery.dane.DaneDecision;
import dev.tern.delivery.route.Host;
import dev.tern.delivery.sts.MtaSts;
import dev.tern.delivery.sts.StsPolicy;
import dev.tern.delivery.sts.StsPolicyLookup;
import dev.tern.delivery.tlsrpt.TlsAttempt;
import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import dev.tern.delivery.tlsrpt.TlsReporter;
import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import dev.tern.smtp.client.TlsPolicy;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS policy of one delivery to one recipient domain, decided per MX host in this order (as Postfix and mox):
 * <ol>
 *   <li>a TLS level configured for the domain ({@code VERIFIED} or {@code REQUIRED}) stays as it is; so does a relay
 *       host or configured route, which is no MX of the domain (REQUIRETLS asks {@code VERIFIED} of it);</li>
 *   <li>DANE (RFC 7672) when the MX RRset is DNSSEC-secure and the host has TLSA records: TLS mandatory and the chain
 *       must match; a failed TLSA lookup skips the host (never plaintext); DANE takes precedence over MTA-STS
 *       (RFC 8461 §2);</li>
 *   <li>MTA-STS (RFC 8461 §5): {@code enforce} tries only hosts the policy names, each with STARTTLS and a WebPKI
 *       certificate naming the host; {@code testing} delivers as without a policy and reports what failed;
 *       {@code none}, no policy or a failed fetch: as without;</li>
 *   <li>otherwise the global level (opportunistic or required).</li>
 * </ol>
 * {@code TLS-Required: No} (RFC 8689 §4.2.2) turns DANE and MTA-STS into report-only; REQUIRETLS (§4.2.1) asks for a
 * host DANE or MTA-STS (enforce or testing) authenticates, and fails the recipient with 5.7.10 when no host is.
 * Every connection's TLS outcome is reported ({@link #report}); so is a policy fetch that failed.
 */
final class DestinationTls {
    private static final EnhancedStatus POLICY_FAILURE = EnhancedStatus.of(4, 7, 5);
    // RFC 8689 §5 / RFC 5248: X.7.10 "Encryption needed".
    static final EnhancedStatus ENCRYPTION_NEEDED = EnhancedStatus.of(5, 7, 10);

    private final Domain domain;
    private final TlsRequirement level;
    private final boolean fixed;
    private final boolean viaMx;
    private final boolean requireTls;
    private final boolean tlsOptional;
    private final Dane dane;
    private final boolean mxSecure;
    /** The MX lookup failed DNSSEC validation (RFC 7672 §2.1.1): a lookup error, the mail waits. */
    private boolean mxBogus;
    private final StsPolicyLookup sts;
    private final X509ExtendedTrustManager webPki;
    private final TlsReporter reporter;
    private final Clock clock;

    private DestinationTls(Domain domain, TlsRequirement level, boolean fixed, boolean viaMx, boolean requireTls, boolean tlsOptional,
                           Dane dane, boolean mxSecure, StsPolicyLookup sts, X509ExtendedTrustManager webPki,
                           TlsReporter reporter, Clock clock) {
        this.domain = domain;
        this.level = level;
        this.fixed = fixed;
        this.viaMx = viaMx;
        this.requireTls = requireTls;
        this.tlsOptional = tlsOptional;
        this.dane = dane;
        this.mxSecure = mxSecure;
        this.sts = sts;
        this.webPki = webPki;
        this.reporter = reporter;
        this.clock = clock;
    }

    /**
     * Looks up the domain's policies (DANE's MX security, MTA-STS) unless a fixed level or a non-MX next hop makes them
     * moot. {@code requireTls}: the message carries REQUIRETLS and has a sender (RFC 8689 §4.2.1 concerns those);
     * {@code tlsOptional}: it carries {@code TLS-Required: No} and not REQUIRETLS.
     */
    static DestinationTls decide(RemoteSettings settings, MtaSts mtaSts, X509ExtendedTrustManager webPki, Domain domain,
                                 boolean viaMx, boolean requireTls, boolean tlsOptional, Clock clock) {
        OutboundTls outbound = settings.outboundTls();
        TlsRequirement own = settings.tlsPolicies().get(domain);
        boolean fixed = !viaMx || own == TlsRequirement.VERIFIED || own == TlsRequirement.REQUIRED;
        TlsRequirement level = settings.tlsFor(domain);
        if (!viaMx && requireTls) level = TlsRequirement.VERIFIED;
        Dane.MxSecurity mx = Dane.MxSecurity.INSECURE;
        StsPolicyLookup sts = new StsPolicyLookup.None("not looked up");
        if (!fixed) {
            mx = outbound.dane().mxSecurity(domain);
            sts = mtaSts.policy(domain);
        }
        boolean mxSecure = mx == Dane.MxSecurity.SECURE;
        var tls = new DestinationTls(domain, level, fixed, viaMx, requireTls, tlsOptional, outbound.dane(), mxSecure, sts, webPki,
                outbound.reporter(), clock);
        tls.mxBogus = mx == Dane.MxSecurity.BOGUS;
        if (sts instanceof StsPolicyLookup.FetchFailed failed) {
            tls.record(PolicyType.STS, List.of(), "", Optional.empty(), Optional.of(failed.failure()), failed.reason());
        }
        return tls;
    }

    /** The terms for one MX host. May block for the host's TLSA lookup. */
    HostTls forHost(Host host, int port) {
        String name = host.name().name();
        if (fixed) {
            if (requireTls && level != TlsRequirement.VERIFIED) return unmet(name, "no verified TLS is configured for it");
            return fromLevel(level, PolicyType.NO_POLICY_FOUND, List.of());
        }
        DaneDecision decision = mxBogus ? new DaneDecision.Defer("the MX records of " + domain + " failed DNSSEC validation", true)
                : mxSecure && !host.name().isLiteral() ? dane.lookup(name, port, true)
                : new DaneDecision.NotApplicable("MX not DNSSEC-secure");
        switch (decision) {
            case DaneDecision.Defer defer -> {
                record(PolicyType.TLSA, List.of(), name, Optional.empty(), Optional.of(FailureType.DNSSEC_INVALID), defer.reason());
                if (!tlsOptional) {
                    if (requireTls) return unmet(name, "its TLSA records could not be had");
                    return new HostTls.Skip(POLICY_FAILURE, "DANE: TLSA lookup for " + name + " failed; not sent without it", false);
                }
            }
            case DaneDecision.Authenticate records -> {
                List<String> strings = records.records().stream().map(Object::toString).toList();
                if (tlsOptional) {
                    return new HostTls.Connect(TlsPolicy.OPPORTUNISTIC, CertificateCheck.dane(dane, records, false), false,
                            PolicyType.TLSA, strings);
                }
                if (!records.anyUsable()) {
                    // RFC 7672 §2.2: no usable record still means TLS, though unauthenticated.
                    if (requireTls) return unmet(name, "none of its TLSA records is usable");
                    return new HostTls.Connect(TlsPolicy.REQUIRED, CertificateCheck.none(), false, PolicyType.TLSA, strings);
                }
                return new HostTls.Connect(TlsPolicy.REQUIRED, CertificateCheck.dane(dane, records, true), false,
                        PolicyType.TLSA, strings);
            }
            case DaneDecision.NotApplicable none -> { }
        }
        if (sts instanceof StsPolicyLookup.Policy policy && policy.policy().mode() != StsPolicy.Mode.NONE) {
            List<String> strings = policy.policy().lines();
            // REQUIRETLS treats a testing policy as enforced: it asks for the server's name validated (RFC 8689 §4.2.1).
            boolean enforce = requireTls || policy.policy().mode() == StsPolicy.Mode.ENFORCE && !tlsOptional;
            if (!policy.policy().allows(name)) {
                record(PolicyType.STS, strings, name, Optional.empty(), Optional.of(FailureType.VALIDATION_FAILURE),
                        "MX host not allowed by the policy");
                if (requireTls) return unmet(name, "the MTA-STS policy does not name it");
                if (enforce) {
                    return new HostTls.Skip(POLICY_FAILURE, "MTA-STS: MX host " + name + " is not allowed by the policy of "
                            + domain, false);
                }
                return fromLevel(level, PolicyType.STS, strings);
            }
            if (enforce) return new HostTls.Connect(TlsPolicy.REQUIRED, CertificateCheck.webPki(webPki, true), false, PolicyType.STS, strings);
            TlsPolicy tls = level == TlsRequirement.OPPORTUNISTIC ? TlsPolicy.OPPORTUNISTIC : TlsPolicy.REQUIRED;
            return new HostTls.Connect(tls, CertificateCheck.webPki(webPki, false), false, PolicyType.STS, strings);
        }
        if (requireTls) return unmet(name, "the domain publishes no DANE or MTA-STS policy");
        return fromLevel(level, PolicyType.NO_POLICY_FOUND, List.of());
    }

    private HostTls unmet(String host, String why) {
        return new HostTls.Skip(ENCRYPTION_NEEDED, "REQUIRETLS: no verified TLS to " + host + ": " + why, true);
    }

    static HostTls.Connect fromLevel(TlsRequirement level, PolicyType type, List<String> strings) {
        return switch (level) {
            case OPPORTUNISTIC -> new HostTls.Connect(TlsPolicy.OPPORTUNISTIC, CertificateCheck.none(), false, type, strings);
            case REQUIRED -> new HostTls.Connect(TlsPolicy.REQUIRED, CertificateCheck.none(), false, type, strings);
            case VERIFIED -> new HostTls.Connect(TlsPolicy.REQUIRED, CertificateCheck.none(), true, type, strings);
        };
    }

    /**
     * Reports one connection's TLS outcome (RFC 8460 §4.3): starttls-not-supported, the certificate check's failure,
     * or success after the handshake; nothing for a reused connection or one that ended before EHLO.
     */
    void report(HostTls.Connect terms, CertificateCheck check, Host host, InetAddress address, SmtpConnection.Result result) {
        if (!viaMx) return; // a relay host or route is no MX of the domain: nothing of its policy to report
        Optional<String> ip = Optional.of(address.getHostAddress());
        String name = host.name().name();
        switch (result.tls()) {
            case NOT_NEGOTIATED, REUSED -> { }
            case NOT_OFFERED -> record(terms.policy(), terms.policyStrings(), name, ip,
                    Optional.of(FailureType.STARTTLS_NOT_SUPPORTED), "STARTTLS not offered");
            case HANDSHAKE_FAILED -> record(terms.policy(), terms.policyStrings(), name, ip,
                    Optional.of(check.failure().orElse(FailureType.VALIDATION_FAILURE)),
                    check.failure().isPresent() ? check.detail() : "TLS handshake failed");
            case ESTABLISHED -> record(terms.policy(), terms.policyStrings(), name, ip, check.failure(),
                    check.detail());
        }
    }

    private void record(PolicyType type, List<String> strings, String mx, Optional<String> ip,
                        Optional<FailureType> failure, String detail) {
        try {
            reporter.record(new TlsAttempt(clock.instant(), domain.name(), type, strings, mx, ip, failure, detail));
        } catch (RuntimeException e) {
            // The reporter's contract says it never throws; a bug there must not cost a delivery.
            org.slf4j.LoggerFactory.getLogger(DestinationTls.class).warn("TLS-RPT reporter failed", e);
        }
    }
}
