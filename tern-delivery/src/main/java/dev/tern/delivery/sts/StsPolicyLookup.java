package dev.tern.delivery.sts;

import dev.tern.delivery.tlsrpt.TlsAttempt;
import java.time.Instant;

/** What {@link MtaSts#policy} found for a recipient domain. */
public sealed interface StsPolicyLookup {
    /** No policy: no (single, valid) {@code _mta-sts} record and nothing cached, or MTA-STS is off. */
    record None(String why) implements StsPolicyLookup {}

    /**
     * A policy in force (fresh or from the cache).
     *
     * @param id      the TXT record's id the policy was fetched under
     * @param expires when the cached policy lapses (fetched + max_age)
     */
    record Policy(StsPolicy policy, String id, Instant expires) implements StsPolicyLookup {}

    /**
     * A record exists but its policy could not be had and none is cached: deliver as without a policy (RFC 8461
     * §5.1), and report {@code failure} to TLS-RPT.
     *
     * @param failure {@code sts-policy-fetch-error}, {@code sts-policy-invalid} or {@code sts-webpki-invalid}
     */
    record FetchFailed(String reason, TlsAttempt.FailureType failure) implements StsPolicyLookup {}
}
