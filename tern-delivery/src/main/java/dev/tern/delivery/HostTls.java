package dev.tern.delivery;

import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import dev.tern.mail.EnhancedStatus;
import dev.tern.smtp.client.TlsPolicy;
import java.util.List;

/** What the TLS policy of a destination says of one MX host ({@link DestinationTls#forHost}). */
sealed interface HostTls {
    /**
     * Not to be tried: the mail waits ({@code status} 4.x.x), or, when {@code requireTlsUnmet}, it may fail for
     * good ({@code status} 5.7.10) once no other host could take it (RFC 8689 §4.2.1, §5).
     */
    record Skip(EnhancedStatus status, String reason, boolean requireTlsUnmet) implements HostTls {}

    /**
     * Connect under these terms.
     *
     * @param tls      when to ask for STARTTLS; only {@link TlsPolicy#OPPORTUNISTIC} falls back to plaintext
     * @param check    how the certificate is checked (a template: each connection takes a
     *                 {@link CertificateCheck#fresh()} copy)
     * @param configuredVerified the configured VERIFIED level: the transport's own verified context and name check
     *                 stand in for {@code check}
     * @param policy   the policy type for TLS-RPT, and its strings
     */
    record Connect(TlsPolicy tls, CertificateCheck check, boolean configuredVerified, PolicyType policy,
                   List<String> policyStrings) implements HostTls {
        public Connect {
            policyStrings = List.copyOf(policyStrings);
        }
    }
}
