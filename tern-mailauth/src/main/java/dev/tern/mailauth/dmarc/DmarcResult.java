package dev.tern.mailauth.dmarc;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The DMARC verdict on one message and what to do with it.
 *
 * @param kind          the result (RFC 7489 §11.2, tokens of RFC 8601 {@code dmarc=})
 * @param fromDomain    the RFC5322.From domain ({@code header.from=})
 * @param disposition   what to do: {@link Disposition#NONE} for everything but a {@link Kind#FAIL}; for a fail the
 *                      requested policy after {@code pct} sampling (§6.6.4)
 * @param policy        the policy the domain owner requested for this message ({@code policy.dmarc=}), when a
 *                      record was found
 * @param policySource  which tag that policy came from: {@code p}, {@code sp} or {@code np}
 * @param policyDomain  where the record was found: the From domain or its Organizational Domain
 * @param spfAligned    SPF passed for a domain aligned with the From domain
 * @param dkimAligned   a passing DKIM signature's {@code d=} is aligned with the From domain
 * @param rua           the aggregate-report URIs of the record (Tern does not send reports yet)
 * @param reason        what happened, for logs and the {@code Authentication-Results:} comment
 */
public record DmarcResult(Kind kind, String fromDomain, Disposition disposition,
                          Optional<DmarcRecord.Policy> policy, Optional<PolicySource> policySource,
                          Optional<String> policyDomain, boolean spfAligned, boolean dkimAligned, List<URI> rua,
                          String reason) {
    public enum Kind {
        PASS("pass"), FAIL("fail"), NONE("none"), TEMPERROR("temperror"), PERMERROR("permerror");

        private final String token;

        Kind(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /** §6.6.4: what the receiver applies. */
    public enum Disposition {
        NONE("none"), QUARANTINE("quarantine"), REJECT("reject");

        private final String token;

        Disposition(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /** The tag the applied policy came from. */
    public enum PolicySource {
        P("p"), SP("sp"), NP("np");

        private final String token;

        PolicySource(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    public DmarcResult {
        if (kind == null || fromDomain == null || disposition == null || policy == null || policySource == null
                || policyDomain == null || rua == null || reason == null) {
            throw new IllegalArgumentException("DmarcResult fields are required");
        }
        if (kind != Kind.FAIL && disposition != Disposition.NONE) {
            throw new IllegalArgumentException("only a fail has a disposition");
        }
        rua = List.copyOf(rua);
    }

    static DmarcResult without(Kind kind, String fromDomain, String reason) {
        return new DmarcResult(kind, fromDomain, Disposition.NONE, Optional.empty(), Optional.empty(),
                Optional.empty(), false, false, List.of(), reason);
    }
}
