package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The bounded table behind the account lock: what it forgets first when full, and what it never stores. */
class FailureTableTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    /** Limit 2 (locked at the second failure), room for 2 keys. */
    private final FailureTable table = new FailureTable(Duration.ofMinutes(10), 2, 2);

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void lookingUpCreatesNothing() {
        for (int i = 0; i < 100; i++) assertThat(table.count("k" + i, T0)).isZero();

        assertThat(table.size()).isZero();
    }

    @Test
    void anEntryBelowTheLimitMakesRoomBeforeALock() {
        table.add("locked", at(0));
        table.add("locked", at(0));
        table.add("once", at(1)); // newer than the lock, but only counting

        table.add("new", at(2));

        assertThat(table.count("locked", at(2))).isEqualTo(2);
        assertThat(table.count("once", at(2))).isZero();
        assertThat(table.count("new", at(2))).isEqualTo(1);
    }

    @Test
    void locksMakeRoomOldestFirstWhenNothingElseIsLeft() {
        table.add("older", at(0));
        table.add("older", at(0));
        table.add("newer", at(1));
        table.add("newer", at(1));

        table.add("new", at(2));

        assertThat(table.count("older", at(2))).isZero();
        assertThat(table.count("newer", at(2))).isEqualTo(2);
    }

    @Test
    void anExpiredEntryMakesRoomBeforeALiveOne() {
        table.add("locked", at(0));
        table.add("locked", at(0));
        table.add("once", at(5));

        table.add("new", at(10)); // the lock's failures left the window; the single failure has not

        assertThat(table.count("once", at(10))).isEqualTo(1);
        assertThat(table.count("new", at(10))).isEqualTo(1);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void keepsAtMostTheLimitOfTimestampsTheNewest() {
        for (int m = 0; m < 5; m++) table.add("k", at(m));

        assertThat(table.largestEntry()).isEqualTo(2);
        assertThat(table.count("k", at(13))).isEqualTo(1); // the failures of minutes 3 and 4 were kept
        assertThat(table.count("k", at(14))).isZero();
        assertThat(table.size()).isZero(); // an entry left empty is dropped
    }

    @Test
    void clearForgetsTheKey() {
        table.add("k", at(0));
        table.add("k", at(0));

        table.clear("k");

        assertThat(table.count("k", at(0))).isZero();
        assertThat(table.size()).isZero();
    }
}
