package dev.tern.delivery.dane;

import java.util.List;

/** What DANE (RFC 7672) says about one MX host. */
public sealed interface DaneDecision {
    /**
     * DANE does not apply: the MX RRset or the host's address records are not DNSSEC-secure, or the host publishes
     * no TLSA records (a secure denial). Other policies (MTA-STS, the configured level) decide.
     */
    record NotApplicable(String why) implements DaneDecision {}

    /**
     * Secure TLSA records exist for the host: TLS is mandatory and the certificate must match one usable record
     * (RFC 7672 §2.2). When none of {@code records} is {@link Tlsa#usable() usable}, TLS is still mandatory but
     * unauthenticated (§2.2: "at least as secure as opportunistic TLS").
     *
     * @param tlsaName   the name the records were found at ({@code _25._tcp.mx.example.com.}, after CNAMEs)
     * @param names      the reference identifiers a DANE-TA certificate must show (the MX host name, and the
     *                   TLSA base name after CNAME expansion, RFC 7672 §3.2.2)
     */
    record Authenticate(List<Tlsa> records, String tlsaName, List<String> names) implements DaneDecision {
        public Authenticate {
            records = List.copyOf(records);
            names = List.copyOf(names);
            if (records.isEmpty()) throw new IllegalArgumentException("no TLSA records");
        }

        public boolean anyUsable() {
            return records.stream().anyMatch(Tlsa::usable);
        }
    }

    /**
     * The TLSA lookup failed (SERVFAIL, timeout) or its answer is bogus (DNSSEC validation failed): the mail waits
     * (RFC 7672 §2.2: never fall back to plaintext or to unauthenticated TLS).
     *
     * @param bogus true when validation failed (TLS-RPT's dnssec-invalid), false for a lookup failure
     */
    record Defer(String reason, boolean bogus) implements DaneDecision {}
}
