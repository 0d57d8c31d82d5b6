package dev.tern.mailauth.arc;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of validating a message's Authenticated Received Chain (RFC 8617 §5.2), ready for the {@code arc=}
 * method of {@code Authentication-Results:} (RFC 8617 §7.2, RFC 8601 §2.7).
 *
 * @param instances N, the number of ARC Sets (0 when there are none; for a broken chain the highest instance
 *     number that could be read)
 * @param hops what each set of a chain that could be collected says, in instance order (empty when the fields do
 *     not form a chain)
 * @param oldestPass {@code header.oldest-pass} (§5.2 step 5): the lowest instance from which every newer
 *     {@code ARC-Message-Signature} still verifies, or 0 when all do; meaningful for {@code pass}
 * @param reason a short human explanation, for logs and a {@code reason=}
 */
public record ArcResult(Status status, int instances, List<Hop> hops, int oldestPass, String reason) {
    /** The chain validation status, RFC 8617 §4.4's values of the {@code arc} method. */
    public enum Status {
        /** No ARC Set on the message. */
        NONE,
        /** Every ARC-Seal and the newest ARC-Message-Signature verified. */
        PASS,
        /** The chain is broken, marked failed, or a signature did not verify (a failed key lookup too). */
        FAIL;

        /** The value as written in {@code Authentication-Results:}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One handler of the chain.
     *
     * @param sealerDomain the ARC-Seal's {@code d=}
     * @param signatureDomain the ARC-Message-Signature's {@code d=}
     * @param authservId the ARC-Authentication-Results' authserv-id (the handler's name for itself)
     * @param results the results it recorded ({@link ArcSet#results()}), as RFC 8601 resinfo text
     */
    public record Hop(int instance, ChainValidation cv, String sealerDomain, String signatureDomain,
            String authservId, String results) {
        public Hop {
            if (cv == null || sealerDomain == null || signatureDomain == null || authservId == null
                    || results == null) {
                throw new IllegalArgumentException("a hop has no null parts");
            }
        }
    }

    public ArcResult {
        if (status == null || hops == null || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an ARC result needs a status, hops and a reason");
        }
        if (instances < 0 || instances > ArcSets.MAX_INSTANCES || oldestPass < 0 || oldestPass > instances) {
            throw new IllegalArgumentException("bad instance counts");
        }
        if (status == Status.NONE && instances != 0) throw new IllegalArgumentException("none means no sets");
        hops = List.copyOf(hops);
    }

    static ArcResult none() {
        return new ArcResult(Status.NONE, 0, List.of(), 0, "no ARC Sets");
    }

    static ArcResult fail(int instances, List<Hop> hops, String reason) {
        return new ArcResult(Status.FAIL, Math.min(instances, ArcSets.MAX_INSTANCES), hops, 0, reason);
    }

    /** The sealers' {@code d=}, oldest first (for a policy that trusts some forwarders' results). */
    public List<String> sealerDomains() {
        return hops.stream().map(Hop::sealerDomain).toList();
    }

    /** The {@code cv=} of each set, oldest first. */
    public List<ChainValidation> cvs() {
        return hops.stream().map(Hop::cv).toList();
    }

    /** The authserv-id of each set's ARC-Authentication-Results, oldest first. */
    public List<String> authservIds() {
        return hops.stream().map(Hop::authservId).toList();
    }

    /**
     * This result as an {@code Authentication-Results:} resinfo: {@code arc=none}, {@code arc=fail}, or
     * {@code arc=pass header.oldest-pass=K} (RFC 8617 §7.2). The caller may add {@code smtp.remote-ip}.
     */
    public String authResultsEntry() {
        return switch (status) {
            case NONE, FAIL -> "arc=" + status.value();
            case PASS -> "arc=pass header.oldest-pass=" + oldestPass;
        };
    }
}
