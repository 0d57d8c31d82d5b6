package dev.tern.delivery.tlsrpt;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import dev.tern.mail.Domain;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Test attempts: an MTA-STS policy for {@code <domain>} with one MX, successes and failures against it. */
final class Attempts {
    static final Domain SUBMITTER = Domain.parse("mx.tern.test");

    private Attempts() {}

    static TlsRptSettings settings(Path directory) {
        return TlsRptSettings.defaults(directory, SUBMITTER).withJitter(java.time.Duration.ZERO);
    }

    static List<String> sts(String domain) {
        return List.of("version: STSv1", "mode: enforce", "mx: mx1." + domain, "mx: *.backup." + domain,
                "max_age: 86400");
    }

    static TlsAttempt ok(Instant at, String domain) {
        return new TlsAttempt(at, domain, PolicyType.STS, sts(domain), "mx1." + domain, Optional.of("192.0.2.1"),
                Optional.empty(), "");
    }

    static TlsAttempt failed(Instant at, String domain, FailureType type, String ip, String detail) {
        return new TlsAttempt(at, domain, PolicyType.STS, sts(domain), "mx1." + domain, Optional.of(ip),
                Optional.of(type), detail);
    }

    static TlsAttempt noPolicy(Instant at, String domain) {
        return new TlsAttempt(at, domain, PolicyType.NO_POLICY_FOUND, List.of(), "mx1." + domain, Optional.empty(),
                Optional.empty(), "");
    }
}
