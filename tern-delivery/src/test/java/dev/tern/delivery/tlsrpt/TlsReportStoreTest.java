package dev.tern.delivery.tlsrpt;

import static dev.tern.delivery.tlsrpt.Attempts.failed;
import static dev.tern.delivery.tlsrpt.Attempts.noPolicy;
import static dev.tern.delivery.tlsrpt.Attempts.ok;
import static dev.tern.delivery.tlsrpt.Attempts.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import dev.tern.delivery.tlsrpt.TlsReport.FailureDetail;
import dev.tern.delivery.tlsrpt.TlsReport.PolicyResult;
import dev.tern.testbase.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aggregation per domain, policy and UTC day; the day files across a reopen, damaged records, the ledger, pruning. */
class TlsReportStoreTest {
    private static final LocalDate DAY = LocalDate.parse("2025-01-01");
    private static final Instant MORNING = Instant.parse("2025-01-01T08:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    @Test
    void aggregatesPerDomainPolicyAndDay() throws IOException {
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            recordSample(store);
            assertThat(store.days()).containsExactly(DAY, DAY.plusDays(1));
            assertThat(store.domains(DAY)).containsExactly("a.test", "b.test");
            TlsReport report = store.report(DAY, "a.test").orElseThrow();
            assertThat(report.reportId()).isEqualTo("2025-01-01.a.test@mx.tern.test");
            assertThat(report.policies()).hasSize(2);
            PolicyResult sts = report.policies().getFirst();
            assertThat(sts.type()).isEqualTo(PolicyType.STS);
            assertThat(sts.mxHosts()).containsExactly("mx1.a.test", "*.backup.a.test");
            assertThat(sts.successes()).isEqualTo(3);
            assertThat(sts.failures()).isEqualTo(3);
            assertThat(sts.details()).containsExactly(
                    new FailureDetail(FailureType.CERTIFICATE_EXPIRED, "mx1.a.test", Optional.of("192.0.2.1"),
                            "certificate expired 2024-12-01", 2),
                    new FailureDetail(FailureType.STARTTLS_NOT_SUPPORTED, "mx1.a.test", Optional.of("192.0.2.2"),
                            "", 1));
            PolicyResult none = report.policies().get(1);
            assertThat(none.type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
            assertThat(none.successes()).isEqualTo(1);
            assertThat(none.mxHosts()).isEmpty();
            assertThat(store.report(DAY, "c.test")).isEmpty();
        }
    }

    @Test
    void countsSurviveAReopen() throws IOException {
        String before;
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            recordSample(store);
            before = store.report(DAY, "a.test").orElseThrow().json();
        }
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            assertThat(store.report(DAY, "a.test").orElseThrow().json()).isEqualTo(before);
            assertThat(store.domains(DAY.plusDays(1))).containsExactly("a.test");
            // Appending after a reopen reuses the day's policy numbers, and numbers new policies above them.
            store.record(ok(MORNING, "a.test"));
            store.record(noPolicy(MORNING, "c.test"));
        }
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            assertThat(store.report(DAY, "a.test").orElseThrow().policies().getFirst().successes()).isEqualTo(4);
            assertThat(store.report(DAY, "a.test").orElseThrow().policies()).hasSize(2);
            assertThat(store.report(DAY, "c.test").orElseThrow().policies().getFirst().successes()).isEqualTo(1);
            assertThat(store.report(DAY, "b.test").orElseThrow().policies().getFirst().successes()).isEqualTo(1);
        }
    }

    @Test
    void aTornLastRecordIsSkippedAndTheNextAppendIsWhole() throws IOException {
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            store.record(ok(MORNING, "a.test"));
            store.record(ok(MORNING, "a.test"));
        }
        Path file = dir.resolve("tlsrpt/attempts-2025-01-01.log");
        Files.write(file, "0badc0de A\t0\to".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            assertThat(store.report(DAY, "a.test").orElseThrow().policies().getFirst().successes()).isEqualTo(2);
            store.record(ok(MORNING, "a.test"));
        }
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            assertThat(store.report(DAY, "a.test").orElseThrow().policies().getFirst().successes()).isEqualTo(3);
        }
    }

    @Test
    void aCorruptRecordCostsOnlyItself() throws IOException {
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            for (int i = 0; i < 3; i++) store.record(ok(MORNING, "a.test"));
        }
        Path file = dir.resolve("tlsrpt/attempts-2025-01-01.log");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(5); // header, policy, three attempts
        lines.set(3, lines.get(3).replace("ok", "oK"));
        lines.add(2, "garbage");
        lines.add(3, "");
        Files.write(file, lines, StandardCharsets.UTF_8);
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            assertThat(store.report(DAY, "a.test").orElseThrow().policies().getFirst().successes()).isEqualTo(2);
        }
    }

    @Test
    void failureDetailsAreCappedPerDomainAndDayButAllFailuresCount() throws IOException {
        try (TlsReportStore store = TlsReportStore.open(settings(dir).withMaxFailureDetails(3), clock)) {
            for (int i = 0; i < 5; i++) {
                store.record(failed(MORNING, "a.test", FailureType.VALIDATION_FAILURE, "192.0.2." + i, "bad " + i));
            }
            store.record(failed(MORNING, "a.test", FailureType.VALIDATION_FAILURE, "192.0.2.0", "bad 0"));
            PolicyResult sts = store.report(DAY, "a.test").orElseThrow().policies().getFirst();
            assertThat(sts.failures()).isEqualTo(6);
            assertThat(sts.details()).hasSize(3);
            assertThat(sts.details().getFirst().count()).isEqualTo(2);
        }
    }

    @Test
    void theSentLedgerSurvivesAReopen() throws IOException {
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            store.record(ok(MORNING, "a.test"));
            store.markSent(DAY, "a.test", "mailto:r@a.test");
            assertThat(store.sent(DAY, "a.test", "mailto:r@a.test")).isTrue();
            assertThat(store.finished(DAY, "a.test")).isFalse();
            store.markFinished(DAY, "a.test");
        }
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            assertThat(store.sent(DAY, "a.test", "mailto:r@a.test")).isTrue();
            assertThat(store.sent(DAY, "a.test", "https://a.test/r")).isFalse();
            assertThat(store.finished(DAY, "a.test")).isTrue();
            assertThat(store.finished(DAY, "b.test")).isFalse();
        }
    }

    @Test
    void oldDaysArePrunedAndOldAttemptsIgnored() throws IOException {
        try (TlsReportStore store = TlsReportStore.open(settings(dir), clock)) {
            store.record(ok(MORNING, "a.test"));
            store.markFinished(DAY, "a.test");
            clock.advance(Duration.ofDays(7));
            store.record(ok(MORNING, "late.test")); // seven days ago: older than the week kept
            store.record(ok(clock.instant(), "b.test"));
            store.flush();
            store.prune();
            assertThat(store.days()).containsExactly(DAY.plusDays(7));
            assertThat(store.finished(DAY, "a.test")).isFalse();
        }
        try (var files = Files.list(dir.resolve("tlsrpt"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("attempts-2025-01-08.log");
        }
    }

    @Test
    void afterCloseAttemptsAreDropped() throws IOException {
        TlsReportStore store = TlsReportStore.open(settings(dir), clock);
        store.close();
        store.record(ok(MORNING, "a.test"));
        assertThat(store.days()).isEmpty();
    }

    private static void recordSample(TlsReportStore store) {
        for (int i = 0; i < 3; i++) store.record(ok(MORNING, "a.test"));
        store.record(failed(MORNING, "a.test", FailureType.CERTIFICATE_EXPIRED, "192.0.2.1",
                "certificate expired 2024-12-01"));
        TlsAttempt sameDomainOtherSpelling = failed(MORNING, "a.test", FailureType.CERTIFICATE_EXPIRED, "192.0.2.1",
                "certificate expired 2024-12-01");
        store.record(new TlsAttempt(MORNING, "A.TEST.", PolicyType.STS, sameDomainOtherSpelling.policyStrings(),
                "mx1.a.test", Optional.of("192.0.2.1"), sameDomainOtherSpelling.failure(),
                sameDomainOtherSpelling.detail()));
        store.record(failed(MORNING, "a.test", FailureType.STARTTLS_NOT_SUPPORTED, "192.0.2.2", ""));
        store.record(noPolicy(MORNING, "a.test"));
        store.record(ok(MORNING, "b.test"));
        store.record(ok(MORNING.plus(Duration.ofDays(1)), "a.test"));
    }
}
