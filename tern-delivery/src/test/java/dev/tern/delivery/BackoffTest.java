package dev.tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Retry delays: firstRetry, doubling per attempt, capped at maxRetry (defaults 1 minute and 1 hour), less up to
 * 10 % of jitter so that messages deferred together spread out.
 */
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
        Duration nominal = Duration.parse(expected);
        for (int i = 0; i < 100; i++) {
            Duration delay = QueueRunner.backoff(DeliverySettings.defaults(), attempts);
            assertThat(delay).isLessThanOrEqualTo(nominal).isGreaterThanOrEqualTo(nominal.multipliedBy(9).dividedBy(10));
        }
    }
}
