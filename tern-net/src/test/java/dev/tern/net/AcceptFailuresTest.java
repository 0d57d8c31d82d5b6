package dev.tern.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AcceptFailuresTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void reportsTheFirstFailureAtOnceThenOncePerIntervalWithTheCount() {
        AcceptFailures failures = new AcceptFailures(Duration.ofSeconds(60));
        List<Integer> reports = new ArrayList<>();
        long start = 5 * SECOND;
        // Ten failures a second (the accept loop's back-off) for three minutes.
        for (long t = start; t < start + 180 * SECOND; t += SECOND / 10) {
            OptionalInt report = failures.failed(t);
            report.ifPresent(reports::add);
        }

        assertThat(reports).containsExactly(1, 600, 600);
    }

    @Test
    void aFailureAfterAQuietIntervalIsReportedAtOnce() {
        AcceptFailures failures = new AcceptFailures(Duration.ofSeconds(60));

        assertThat(failures.failed(0)).hasValue(1);
        assertThat(failures.failed(SECOND)).isEmpty();
        assertThat(failures.failed(61 * SECOND)).hasValue(2);
        assertThat(failures.failed(200 * SECOND)).hasValue(1);
    }
}
