package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.server.SubmissionLimits.Count;
import dev.tern.server.SubmissionLimits.Key;
import dev.tern.testbase.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubmissionLimitsTest {
    private static final Key ALICE = Key.User.of("alice@example.com");
    private static final Key BOB = Key.User.of("bob@example.com");
    private static final Key HOME = Key.Network.of(InetAddress.ofLiteral("192.0.2.1"));

    private final MutableClock clock = new MutableClock();

    private SubmissionLimits limits(int messagesPerUser, int recipientsPerUser, int messagesPerIp,
                                    int recipientsPerIp, int trackedKeys) {
        return new SubmissionLimits(new SubmissionLimitSettings(messagesPerUser, recipientsPerUser, messagesPerIp,
                recipientsPerIp, trackedKeys), clock);
    }

    private static int admitted(SubmissionLimits limits, Count count, int tries, Key... keys) {
        int admitted = 0;
        for (int i = 0; i < tries; i++) {
            if (limits.admit(count, List.of(keys))) admitted++;
        }
        return admitted;
    }

    @Test
    void theHourSlidesCountsDropOutAnHourAfterTheyWereMade() {
        SubmissionLimits limits = limits(3, 100, 100, 100, 100);
        assertThat(admitted(limits, Count.MESSAGE, 1, ALICE)).isEqualTo(1);   // 00:00
        clock.advance(Duration.ofMinutes(30));
        assertThat(admitted(limits, Count.MESSAGE, 5, ALICE)).isEqualTo(2);   // 00:30, then full
        clock.advance(Duration.ofMinutes(29));
        assertThat(admitted(limits, Count.MESSAGE, 1, ALICE)).isZero();       // 00:59: all three still count
        clock.advance(Duration.ofMinutes(1));
        assertThat(admitted(limits, Count.MESSAGE, 5, ALICE)).isEqualTo(1);   // 01:00: the one of 00:00 is gone
        clock.advance(Duration.ofMinutes(30));
        assertThat(admitted(limits, Count.MESSAGE, 5, ALICE)).isEqualTo(2);   // 01:30: those of 00:30 are gone
        clock.advance(Duration.ofHours(5));
        assertThat(admitted(limits, Count.MESSAGE, 5, ALICE)).isEqualTo(3);   // long idle: everything forgotten
    }

    @Test
    void messagesAndRecipientsAreCountedApart() {
        SubmissionLimits limits = limits(2, 5, 100, 100, 100);
        assertThat(admitted(limits, Count.RECIPIENT, 10, ALICE)).isEqualTo(5);
        assertThat(admitted(limits, Count.MESSAGE, 10, ALICE)).isEqualTo(2);
    }

    @Test
    void eachUserHasALimitAndTheAddressOneLimitsThemTogether() {
        SubmissionLimits limits = limits(2, 100, 3, 100, 100);
        assertThat(admitted(limits, Count.MESSAGE, 5, ALICE, HOME)).isEqualTo(2);
        // A refusal counts nothing: the address has room for one more, which bob takes.
        assertThat(admitted(limits, Count.MESSAGE, 5, BOB, HOME)).isEqualTo(1);
        // Bob from elsewhere is limited only by his own count.
        Key office = Key.Network.of(InetAddress.ofLiteral("198.51.100.7"));
        assertThat(admitted(limits, Count.MESSAGE, 5, BOB, office)).isEqualTo(1);
    }

    @Test
    void aUserIsOneKeyWhateverCaseTheyLoggedInWith() {
        SubmissionLimits limits = limits(2, 100, 100, 100, 100);
        assertThat(limits.admit(Count.MESSAGE, List.of(Key.User.of("Alice@Example.COM")))).isTrue();
        assertThat(limits.admit(Count.MESSAGE, List.of(Key.User.of("ALICE@example.com")))).isTrue();
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isFalse();
    }

    @ParameterizedTest(name = "{0} and {1}: same network {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # IPv4: each address is its own
        192.0.2.1             | 192.0.2.1             | true
        192.0.2.1             | 192.0.2.2             | false
        # IPv6: one /64 is one site (RFC 6177), so hopping addresses inside it does not help
        2001:db8:1:2::1       | 2001:db8:1:2:ffff::9  | true
        2001:db8:1:2::1       | 2001:db8:1:3::1       | false
        """)
    void addressesAreCountedPerIpv4AddressAndPerIpv6Slash64(String a, String b, boolean same) {
        Key first = Key.Network.of(InetAddress.ofLiteral(a));
        Key second = Key.Network.of(InetAddress.ofLiteral(b));
        SubmissionLimits limits = limits(100, 100, 1, 100, 100);

        assertThat(first.equals(second)).isEqualTo(same);
        assertThat(limits.admit(Count.MESSAGE, List.of(first))).isTrue();
        assertThat(limits.admit(Count.MESSAGE, List.of(second))).isEqualTo(!same);
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentlyActive() {
        SubmissionLimits limits = limits(1, 100, 1, 100, 2);
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isTrue();
        assertThat(limits.admit(Count.MESSAGE, List.of(BOB))).isTrue();
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isFalse(); // alice is now the most recent
        for (int i = 0; i < 1000; i++) {
            limits.admit(Count.MESSAGE, List.of(Key.User.of("u" + i + "@example.com"), Key.Network.of(
                    InetAddress.ofLiteral("10.0." + (i / 256) + "." + (i % 256)))));
            assertThat(limits.trackedKeys()).isLessThanOrEqualTo(4); // two users and two networks at most
        }
        // Pushed out by newer keys, alice starts over: the price of the bound, paid by the least active.
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isTrue();
    }

    @Test
    void aClockSetBackCountsIntoTheNewestMinute() {
        SubmissionLimits limits = limits(2, 100, 100, 100, 100);
        clock.advance(Duration.ofMinutes(10));
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isTrue();
        clock.advance(Duration.ofMinutes(-5));
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isTrue();
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isFalse();
        clock.advance(Duration.ofMinutes(65));
        assertThat(limits.admit(Count.MESSAGE, List.of(ALICE))).isTrue();
    }
}
