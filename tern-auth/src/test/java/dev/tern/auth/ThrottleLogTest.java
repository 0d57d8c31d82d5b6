package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AuthThrottle.Limit;
import dev.tern.testbase.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Issue 6 item 10: refused logins are summarised per interval, not written one line each. */
class ThrottleLogTest {
    private final MutableClock clock = new MutableClock();
    private final RecordingLogger logger = new RecordingLogger();
    private final ThrottleLog log = new ThrottleLog(logger, Duration.ofMinutes(1), 3, clock);

    private void refuse(String client, String user, int times) {
        for (int i = 0; i < times; i++) {
            log.refused(new ThrottleLog.Refusal(Limit.CLIENT_FAILURES, "client=" + client, user, client));
        }
    }

    @Test
    void firstRefusalInFullThenOneCountPerInterval() {
        refuse("192.0.2.1", "a@example.com", 10_000);
        assertThat(logger.at(Level.WARN)).containsExactly(
                "auth throttled user=a@example.com client=192.0.2.1 limit=client_failures");

        clock.advance(Duration.ofMinutes(1));
        refuse("192.0.2.1", "b@example.com", 5); // counted in the next interval: the attack goes on
        clock.advance(Duration.ofMinutes(1));
        refuse("192.0.2.1", "c@example.com", 1);

        assertThat(logger.at(Level.WARN)).containsExactly(
                "auth throttled user=a@example.com client=192.0.2.1 limit=client_failures",
                "auth throttled client=192.0.2.1 repeated=9999 in=60s last_user=a@example.com last_client=192.0.2.1 limit=client_failures",
                "auth throttled client=192.0.2.1 repeated=5 in=60s last_user=b@example.com last_client=192.0.2.1 limit=client_failures");
    }

    @Test
    void aQuietIntervalEndsTheSummaryAndTheNextRefusalIsLoggedInFull() {
        refuse("192.0.2.1", "a@example.com", 1);
        clock.advance(Duration.ofMinutes(1));
        refuse("192.0.2.9", "x@example.com", 1); // another key: its refusal lets the first key's interval end
        clock.advance(Duration.ofMinutes(5));

        refuse("192.0.2.1", "a@example.com", 1);

        assertThat(logger.at(Level.WARN)).containsExactly(
                "auth throttled user=a@example.com client=192.0.2.1 limit=client_failures",
                "auth throttled user=x@example.com client=192.0.2.9 limit=client_failures",
                "auth throttled user=a@example.com client=192.0.2.1 limit=client_failures");
    }

    @Test
    void keysBeyondTheBoundAreCountedTogether() {
        for (int i = 0; i < 1000; i++) refuse("192.0.2." + (i % 250), "u" + i + "@example.com", 1);
        // Three addresses have a key each (192.0.2.0, .1, .2: 4 refusals each); the other 988 go to "others".
        assertThat(logger.at(Level.WARN)).hasSize(4); // each once in full

        clock.advance(Duration.ofMinutes(1));
        refuse("198.51.100.1", "z@example.com", 1);

        assertThat(logger.at(Level.WARN)).hasSize(4 + 4)
                .contains("auth throttled client=192.0.2.0 repeated=3 in=60s last_user=u750@example.com last_client=192.0.2.0 limit=client_failures")
                .contains("auth throttled others repeated=987 in=60s last_user=u999@example.com last_client=192.0.2.249 limit=client_failures");
    }
}
