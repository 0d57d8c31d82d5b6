package dev.tern.delivery.tlsrpt;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import dev.tern.mail.Domain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * One day's aggregate report for one policy domain (RFC 8460 §4.4), and its JSON and gzip forms.
 *
 * @param organizationName {@code organization-name}
 * @param day              the UTC day the report covers: {@code date-range} is its first to its last second
 * @param contactInfo      {@code contact-info}
 * @param reportId         {@code report-id}; also the Subject's and the file name's unique part
 * @param policyDomain     the domain the report is about (all {@code policies} are for it)
 * @param policies         one entry per policy seen that day
 */
public record TlsReport(String organizationName, LocalDate day, String contactInfo, String reportId,
                        String policyDomain, List<PolicyResult> policies) {
    public TlsReport {
        if (organizationName == null || day == null || contactInfo == null || reportId == null
                || policyDomain == null) {
            throw new IllegalArgumentException("a report needs all its fields");
        }
        policies = List.copyOf(policies);
        if (policies.isEmpty()) throw new IllegalArgumentException("a report needs at least one policy");
    }

    /**
     * The sessions under one policy (RFC 8460 §4.4 {@code policies[]}).
     *
     * @param mxHosts  {@code mx-host}: for MTA-STS the policy's {@code mx} patterns (an array, RFC 8460 erratum 6241)
     * @param details  {@code failure-details}, at most the configured number; their counts may sum to less than
     *                 {@code failures} when more distinct failures occurred than were kept
     */
    public record PolicyResult(PolicyType type, List<String> policyStrings, String policyDomain, List<String> mxHosts,
                               long successes, long failures, List<FailureDetail> details) {
        public PolicyResult {
            if (type == null || policyDomain == null || successes < 0 || failures < 0) {
                throw new IllegalArgumentException("bad policy result");
            }
            policyStrings = List.copyOf(policyStrings);
            mxHosts = List.copyOf(mxHosts);
            details = List.copyOf(details);
        }
    }

    /**
     * One kind of failure and how often it occurred (RFC 8460 §4.4 {@code failure-details[]}). The SMTP client's
     * detail text goes to {@code failure-reason-code} ("a text field to include a TLS-related error code or error
     * message"); {@code additional-information} is a URI, which Tern has none of.
     */
    public record FailureDetail(FailureType resultType, String receivingMxHostname, Optional<String> receivingIp,
                                String failureReasonCode, long count) {
        public FailureDetail {
            if (resultType == null || receivingMxHostname == null || receivingIp == null || failureReasonCode == null
                    || count < 1) {
                throw new IllegalArgumentException("bad failure detail");
            }
        }
    }

    /** {@code start-datetime}: the day's first second. */
    public Instant start() {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** {@code end-datetime}: the day's last second, as in RFC 8460 Appendix B's example. */
    public Instant end() {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
    }

    /** RFC 8460 §5.3 file name: {@code submitter!policy-domain!begin!end!unique.json.gz}. */
    public String fileName(Domain submitter) {
        String unique = Integer.toHexString(reportId.hashCode() & 0x7fffffff);
        return submitter.name() + "!" + policyDomain + "!" + start().getEpochSecond() + "!" + end().getEpochSecond()
                + "!" + unique + ".json.gz";
    }

    /** The report as JSON text (RFC 8460 §4.4), compact, field names as the RFC spells them. */
    public String json() {
        JsonWriter json = new JsonWriter().beginObject()
                .field("organization-name", organizationName)
                .name("date-range").beginObject()
                .field("start-datetime", DateTimeFormatter.ISO_INSTANT.format(start()))
                .field("end-datetime", DateTimeFormatter.ISO_INSTANT.format(end()))
                .endObject()
                .field("contact-info", contactInfo)
                .field("report-id", reportId)
                .name("policies").beginArray();
        for (PolicyResult policy : policies) write(json, policy);
        return json.endArray().endObject().text();
    }

    private static void write(JsonWriter json, PolicyResult policy) {
        json.beginObject().name("policy").beginObject().field("policy-type", policy.type().token());
        json.name("policy-string").beginArray();
        for (String line : policy.policyStrings()) json.value(line);
        json.endArray().field("policy-domain", policy.policyDomain());
        if (!policy.mxHosts().isEmpty()) {
            json.name("mx-host").beginArray();
            for (String host : policy.mxHosts()) json.value(host);
            json.endArray();
        }
        json.endObject()
                .name("summary").beginObject()
                .field("total-successful-session-count", policy.successes())
                .field("total-failure-session-count", policy.failures())
                .endObject();
        if (!policy.details().isEmpty()) {
            json.name("failure-details").beginArray();
            for (FailureDetail detail : policy.details()) {
                json.beginObject().field("result-type", detail.resultType().token())
                        .field("receiving-mx-hostname", detail.receivingMxHostname());
                detail.receivingIp().ifPresent(ip -> json.field("receiving-ip", ip));
                json.field("failed-session-count", detail.count());
                if (!detail.failureReasonCode().isEmpty()) json.field("failure-reason-code", detail.failureReasonCode());
                json.endObject();
            }
            json.endArray();
        }
        json.endObject();
    }

    /** The JSON, UTF-8, gzipped (RFC 8460 §5.3 {@code application/tlsrpt+gzip}). */
    public byte[] gzip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e); // cannot happen: no real I/O
        }
        return bytes.toByteArray();
    }
}
