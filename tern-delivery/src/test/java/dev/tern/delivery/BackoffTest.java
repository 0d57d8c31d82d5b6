package dev.tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Retry delays: firstRetry, doubling per attempt, capped at maxRetry (defaults 1 minute and 1 hour). */
class BackoffTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1   | PT1M
            2   | PT2M
            3   | PT4M
            6   | PT32M
            7   | PT1H
            50  | PT1H
            """)
    void delaysDoubleUpToTheCap(int attempts, String expected) {
        assertThat(QueueRunner.backoff(DeliverySettings.defaults(), attempts)).isEqualTo(Duration.parse(expected));
    }
}
