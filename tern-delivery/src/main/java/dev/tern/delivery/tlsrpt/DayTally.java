package dev.tern.delivery.tlsrpt;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One UTC day's counts (no I/O, not thread-safe: {@link TlsReportStore} holds its lock). Bounded: at most
 * {@link #MAX_POLICIES} distinct policies a day (sessions under further ones are dropped and counted), and per policy
 * domain at most {@code maxDetails} distinct failure details (further failures count in the summary only).
 */
final class DayTally {
    static final int MAX_POLICIES = 10_000;

    /** What a policy is known by in a report (RFC 8460 §4.4 {@code policy}). */
    record Policy(String domain, PolicyType type, List<String> strings) {
        Policy {
            strings = List.copyOf(strings);
        }
    }

    /** A failure detail's identity; its count lives in the tally. */
    record FailureKey(FailureType type, String mxHost, Optional<String> receivingIp, String reason) {}

    private static final class PolicyTally {
        long successes;
        long failures;
        final Map<FailureKey, Long> details = new LinkedHashMap<>();
    }

    private final int maxDetails;
    private final Map<Policy, PolicyTally> policies = new LinkedHashMap<>();
    private final Map<String, Integer> detailsPerDomain = new HashMap<>();
    private long dropped;
    private long undetailed;

    DayTally(int maxDetails) {
        this.maxDetails = maxDetails;
    }

    /** Counts one session. */
    void add(Policy policy, Optional<FailureKey> failure) {
        PolicyTally tally = policies.get(policy);
        if (tally == null) {
            if (policies.size() >= MAX_POLICIES) {
                dropped++;
                return;
            }
            tally = new PolicyTally();
            policies.put(policy, tally);
        }
        if (failure.isEmpty()) {
            tally.successes++;
            return;
        }
        tally.failures++;
        Long count = tally.details.get(failure.get());
        if (count != null) {
            tally.details.put(failure.get(), count + 1);
        } else if (detailsPerDomain.getOrDefault(policy.domain(), 0) < maxDetails) {
            tally.details.put(failure.get(), 1L);
            detailsPerDomain.merge(policy.domain(), 1, Integer::sum);
        } else {
            undetailed++;
        }
    }

    /** The policy domains seen, sorted. */
    List<String> domains() {
        return List.copyOf(new TreeSet<>(policies.keySet().stream().map(Policy::domain).toList()));
    }

    /** Sessions dropped because the day had too many distinct policies. */
    long dropped() {
        return dropped;
    }

    /** Failures counted without a detail entry (the per-domain cap). */
    long undetailed() {
        return undetailed;
    }

    /** The report of {@code domain}'s policies, or empty when the day saw none. */
    Optional<TlsReport> report(LocalDate day, String domain, String organization, String contact, String reportId) {
        List<TlsReport.PolicyResult> results = new ArrayList<>();
        for (Map.Entry<Policy, PolicyTally> entry : policies.entrySet()) {
            Policy policy = entry.getKey();
            if (!policy.domain().equals(domain)) continue;
            PolicyTally tally = entry.getValue();
            List<TlsReport.FailureDetail> details = tally.details.entrySet().stream()
                    .sorted(Map.Entry.<FailureKey, Long>comparingByValue(Comparator.reverseOrder()))
                    .map(e -> new TlsReport.FailureDetail(e.getKey().type(), e.getKey().mxHost(),
                            e.getKey().receivingIp(), e.getKey().reason(), e.getValue()))
                    .toList();
            results.add(new TlsReport.PolicyResult(policy.type(), policy.strings(), domain, mxPatterns(policy),
                    tally.successes, tally.failures, details));
        }
        if (results.isEmpty()) return Optional.empty();
        return Optional.of(new TlsReport(organization, day, contact, reportId, domain, results));
    }

    /** RFC 8461 §3.2: an MTA-STS policy's {@code mx:} lines are its MX patterns. */
    private static List<String> mxPatterns(Policy policy) {
        if (policy.type() != PolicyType.STS) return List.of();
        List<String> patterns = new ArrayList<>();
        for (String line : policy.strings()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("mx")) {
                patterns.add(line.substring(colon + 1).strip());
            }
        }
        return patterns;
    }
}
