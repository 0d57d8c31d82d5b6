package dev.tern.delivery.tlsrpt;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one outbound connection's TLS came to, as TLS-RPT (RFC 8460 §4.4) counts it: the policy that applied to the
 * recipient domain, the MX host, and success or the failure's result type. The SMTP client reports one per
 * connection attempt that got as far as a policy decision; {@link TlsReporter} aggregates them per policy domain
 * and day.
 *
 * @param policyDomain   the recipient domain whose policy applied (RFC 8460 §4.4 {@code policy-domain})
 * @param policy         which policy: DANE TLSA, MTA-STS, or none found
 * @param policyStrings  the policy as published (the TLSA records, or the MTA-STS policy's lines); empty for none
 * @param mxHost         the MX host connected to (or tried)
 * @param receivingIp    the address connected to, when a connection was made
 * @param failure        empty for a successful TLS session; else what failed
 * @param detail         for logs and the report's {@code additional-information}; may be empty
 */
public record TlsAttempt(Instant at, String policyDomain, PolicyType policy, List<String> policyStrings, String mxHost,
                         Optional<String> receivingIp, Optional<FailureType> failure, String detail) {
    public TlsAttempt {
        if (at == null || policyDomain == null || policy == null || mxHost == null || receivingIp == null
                || failure == null || detail == null) {
            throw new IllegalArgumentException("a TLS attempt needs all its fields");
        }
        policyStrings = List.copyOf(policyStrings);
    }

    public boolean succeeded() {
        return failure.isEmpty();
    }

    /** RFC 8460 §4.4 {@code policy-type}. */
    public enum PolicyType {
        TLSA("tlsa"), STS("sts"), NO_POLICY_FOUND("no-policy-found");

        private final String token;

        PolicyType(String token) {
            this.token = token;
        }

        /** The token the JSON report uses. */
        public String token() {
            return token;
        }
    }

    /** RFC 8460 §4.3 result types. */
    public enum FailureType {
        STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
        CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
        CERTIFICATE_EXPIRED("certificate-expired"),
        CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
        VALIDATION_FAILURE("validation-failure"),
        TLSA_INVALID("tlsa-invalid"),
        DNSSEC_INVALID("dnssec-invalid"),
        DANE_REQUIRED("dane-required"),
        STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
        STS_POLICY_INVALID("sts-policy-invalid"),
        STS_WEBPKI_INVALID("sts-webpki-invalid");

        private final String token;

        FailureType(String token) {
            this.token = token;
        }

        /** The token the JSON report uses. */
        public String token() {
            return token;
        }
    }
}
