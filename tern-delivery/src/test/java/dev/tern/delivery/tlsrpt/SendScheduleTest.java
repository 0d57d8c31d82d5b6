package dev.tern.delivery.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the daily run comes: the next send hour (01:00 UTC by default) plus the jitter drawn for it. */
class SendScheduleTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        2025-01-01T00:00:00Z | PT0S   | 2025-01-01T01:00:00Z
        2025-01-01T00:59:59Z | PT0S   | 2025-01-01T01:00:00Z
        2025-01-01T01:00:00Z | PT0S   | 2025-01-02T01:00:00Z
        2025-01-01T13:00:00Z | PT0S   | 2025-01-02T01:00:00Z
        2025-01-01T01:10:00Z | PT20M  | 2025-01-01T01:20:00Z
        2025-01-01T01:30:00Z | PT20M  | 2025-01-02T01:20:00Z
        """)
    void nextRunIsTheComingSendHourPlusJitter(String now, String jitter, String expected) {
        assertThat(TlsReportSender.nextRun(Instant.parse(now), 1, Duration.parse(jitter)))
                .isEqualTo(Instant.parse(expected));
    }
}
