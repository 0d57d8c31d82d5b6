package dev.tern.delivery.tlsrpt;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How TLS-RPT (RFC 8460) reports are kept and sent. The integrator maps the {@code tls_rpt.*} config keys onto it
 * (see docs/tls-rpt.md).
 *
 * @param enabled            record attempts and send reports at all
 * @param directory          where the day files live ({@code <data>/tlsrpt})
 * @param submitter          our host name: RFC 8460 §5.3 {@code TLS-Report-Submitter} and the report file's first part
 * @param reportingAddress   the report mail's {@code From:} (default {@code noreply-tlsrpt@<submitter>})
 * @param organizationName   RFC 8460 §4.4 {@code organization-name}
 * @param contactInfo        RFC 8460 §4.4 {@code contact-info}: an address or URI where the receiver can reach us
 * @param sendHour           UTC hour (0..23) after the day's end at which the day's reports go out
 * @param jitter             a random delay (0..jitter) added to {@code sendHour}, so that not every sender posts at once
 * @param keepDays           days of data and of the sent-ledger kept; older day files are deleted
 * @param maxFailureDetails  distinct {@code failure-details} entries kept per policy domain and day; further distinct
 *                           failures are counted in the summary only
 * @param httpTimeout        connect and request timeout of an https {@code rua} POST
 */
public record TlsRptSettings(boolean enabled, Path directory, Domain submitter, Mailbox reportingAddress,
                             String organizationName, String contactInfo, int sendHour, Duration jitter,
                             int keepDays, int maxFailureDetails, Duration httpTimeout) {
    public static final int MAX_FAILURE_DETAILS = 10_000;

    public TlsRptSettings {
        if (directory == null || submitter == null || reportingAddress == null || organizationName == null
                || contactInfo == null || jitter == null || httpTimeout == null) {
            throw new IllegalArgumentException("TLS-RPT settings need all their fields");
        }
        if (submitter.isLiteral()) throw new IllegalArgumentException("the submitter must be a host name");
        if (organizationName.isBlank()) throw new IllegalArgumentException("organizationName must not be blank");
        if (sendHour < 0 || sendHour > 23) throw new IllegalArgumentException("sendHour must be 0..23");
        if (jitter.isNegative() || jitter.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("jitter must be 0..12h");
        }
        if (keepDays < 2 || keepDays > 366) throw new IllegalArgumentException("keepDays must be 2..366");
        if (maxFailureDetails < 1 || maxFailureDetails > MAX_FAILURE_DETAILS) {
            throw new IllegalArgumentException("maxFailureDetails must be 1.." + MAX_FAILURE_DETAILS);
        }
        if (httpTimeout.isNegative() || httpTimeout.isZero() || httpTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("httpTimeout must be in (0, 10m]");
        }
    }

    /**
     * The defaults for a server named {@code submitter} keeping its data under {@code dataDirectory}: on, in
     * {@code <data>/tlsrpt}, from {@code noreply-tlsrpt@<submitter>}, sent at 01:00 UTC plus up to an hour, a week kept,
     * 100 failure details per domain and day, 30 s HTTP timeout.
     */
    public static TlsRptSettings defaults(Path dataDirectory, Domain submitter) {
        return new TlsRptSettings(true, dataDirectory.resolve("tlsrpt"), submitter,
                new Mailbox("noreply-tlsrpt", submitter), submitter.name(), "postmaster@" + submitter.name(), 1,
                Duration.ofHours(1), 7, 100, Duration.ofSeconds(30));
    }

    public TlsRptSettings withDirectory(Path directory) {
        return new TlsRptSettings(enabled, directory, submitter, reportingAddress, organizationName, contactInfo,
                sendHour, jitter, keepDays, maxFailureDetails, httpTimeout);
    }

    public TlsRptSettings withJitter(Duration jitter) {
        return new TlsRptSettings(enabled, directory, submitter, reportingAddress, organizationName, contactInfo,
                sendHour, jitter, keepDays, maxFailureDetails, httpTimeout);
    }

    public TlsRptSettings withMaxFailureDetails(int maxFailureDetails) {
        return new TlsRptSettings(enabled, directory, submitter, reportingAddress, organizationName, contactInfo,
                sendHour, jitter, keepDays, maxFailureDetails, httpTimeout);
    }
}
