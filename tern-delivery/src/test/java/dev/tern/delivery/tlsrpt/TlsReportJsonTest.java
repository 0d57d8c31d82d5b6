package dev.tern.delivery.tlsrpt;

import static dev.tern.delivery.tlsrpt.Attempts.failed;
import static dev.tern.delivery.tlsrpt.Attempts.noPolicy;
import static dev.tern.delivery.tlsrpt.Attempts.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.testbase.MutableClock;
import dev.tern.testbase.RequiredTool;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report JSON against RFC 8460 §4.4, read back by an independent parser: Python's json module must load it,
 * find exactly the RFC's field names at each level, and the counts recorded.
 */
class TlsReportJsonTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Instant MORNING = Instant.parse("2025-01-01T08:00:00Z");

    // Prints the sorted key set of each level and the counts, one line each.
    private static final String CHECK = """
            import json, sys
            r = json.load(open(sys.argv[1], encoding='utf-8'))
            print(sorted(r))
            print(sorted(r['date-range']), r['date-range']['start-datetime'], r['date-range']['end-datetime'])
            for p in r['policies']:
                print(sorted(p), sorted(p['policy']), p['policy']['policy-type'], p['policy'].get('mx-host'))
                print(sorted(p['summary']), p['summary']['total-successful-session-count'],
                      p['summary']['total-failure-session-count'])
                for d in p.get('failure-details', []):
                    print(sorted(d), d['result-type'], d['failed-session-count'], d.get('failure-reason-code'))
            """;

    @Test
    void pythonReadsTheRfcSchema(@TempDir Path dir) throws Exception {
        RequiredTool.require(Files.isExecutable(PYTHON), PYTHON + " is not installed (Debian package python3)");
        TlsReport report;
        try (TlsReportStore store = TlsReportStore.open(Attempts.settings(dir), new MutableClock())) {
            store.record(ok(MORNING, "a.test"));
            store.record(ok(MORNING, "a.test"));
            store.record(failed(MORNING, "a.test", FailureType.CERTIFICATE_HOST_MISMATCH, "192.0.2.7",
                    "name \"mx1\"\tmismatch\n\u0001 é"));
            store.record(noPolicy(MORNING, "a.test"));
            report = store.report(LocalDate.parse("2025-01-01"), "a.test").orElseThrow();
        }
        Path json = dir.resolve("report.json");
        try (var gzip = new GZIPInputStream(new ByteArrayInputStream(report.gzip()))) {
            Files.write(json, gzip.readAllBytes());
        }
        assertThat(Files.readString(json, StandardCharsets.UTF_8)).isEqualTo(report.json());
        Path script = Files.writeString(dir.resolve("check.py"), CHECK);

        Process python = new ProcessBuilder(PYTHON.toString(), script.toString(), json.toString())
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        assertThat(output.lines().toList()).containsExactly(
                "['contact-info', 'date-range', 'organization-name', 'policies', 'report-id']",
                "['end-datetime', 'start-datetime'] 2025-01-01T00:00:00Z 2025-01-01T23:59:59Z",
                "['failure-details', 'policy', 'summary'] ['mx-host', 'policy-domain', 'policy-string', 'policy-type']"
                        + " sts ['mx1.a.test', '*.backup.a.test']",
                "['total-failure-session-count', 'total-successful-session-count'] 2 1",
                "['failed-session-count', 'failure-reason-code', 'receiving-ip', 'receiving-mx-hostname', 'result-type']"
                        + " certificate-host-mismatch 1 name \"mx1\"\tmismatch",
                "\u0001 é",
                "['policy', 'summary'] ['policy-domain', 'policy-string', 'policy-type'] no-policy-found None",
                "['total-failure-session-count', 'total-successful-session-count'] 1 0");
        assertThat(report.fileName(Attempts.SUBMITTER)).matches(
                "mx\\.tern\\.test!a\\.test!1735689600!1735775999![0-9a-f]+\\.json\\.gz");
        assertThat(List.of(report.start(), report.end())).containsExactly(
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T23:59:59Z"));
    }
}
