package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.sasl.Credentials;
import dev.tern.sasl.Credentials.Check;
import dev.tern.sasl.ScramCredential;
import dev.tern.testbase.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

class AuthThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final List<Duration> slept = new ArrayList<>();
    private final AtomicInteger checks = new AtomicInteger();
    /** Every account's password is "right". */
    private final Credentials table = new Credentials() {
        @Override
        public Check verifyPassword(String username, String password) {
            checks.incrementAndGet();
            return password.equals("right") ? Check.ACCEPTED : Check.REJECTED;
        }

        @Override
        public Optional<ScramCredential> scramSha256(String username) {
            return Optional.empty();
        }
    };
    private final AuthThrottle throttle = new AuthThrottle(table, AuthThrottle.Policy.defaults(), clock, slept::add);

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    /** The outcome and the delay of each attempt, "REJECTED+0", "REJECTED+1", …, "THROTTLED". */
    private List<String> attempts(Credentials client, String username, String password, int n) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int before = slept.size();
            Check check = client.verifyPassword(username, password);
            long delay = slept.size() > before ? slept.getLast().toSeconds() : 0;
            outcomes.add(check == Check.THROTTLED ? "THROTTLED" : check + "+" + delay);
        }
        return outcomes;
    }

    @Test
    void correctLoginsRunningAtOnceNeitherDelayNorThrottleEachOther() throws Exception {
        // A mail program opens a few connections at once; only failures may cost a delay.
        CountDownLatch inside = new CountDownLatch(AuthThrottle.MAX_CONCURRENT_PER_ACCOUNT);
        CountDownLatch release = new CountDownLatch(1);
        Credentials slow = new Credentials() {
            @Override
            public Check verifyPassword(String username, String password) {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Check.ACCEPTED;
            }

            @Override
            public Optional<ScramCredential> scramSha256(String username) {
                return Optional.empty();
            }
        };
        AuthThrottle limited = new AuthThrottle(slow, AuthThrottle.Policy.defaults(), clock, slept::add);
        Credentials client = limited.forClient(ip("192.0.2.1"));
        List<Thread> running = new ArrayList<>();
        List<Check> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < AuthThrottle.MAX_CONCURRENT_PER_ACCOUNT; i++) {
            running.add(Thread.ofVirtual().start(() -> results.add(client.verifyPassword("alice@example.com", "right"))));
        }
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        // One more at the same moment is beyond the concurrency cap: refused without a check.
        assertThat(client.verifyPassword("alice@example.com", "right")).isEqualTo(Check.THROTTLED);
        release.countDown();
        for (Thread t : running) t.join();
        assertThat(results).hasSize(AuthThrottle.MAX_CONCURRENT_PER_ACCOUNT).containsOnly(Check.ACCEPTED);
        assertThat(slept).isEmpty();
        // Once they are done, the account is free again.
        assertThat(client.verifyPassword("alice@example.com", "right")).isEqualTo(Check.ACCEPTED);
    }

    @Test
    void accountFailuresAreDelayedThenThrottled() {
        assertThat(attempts(throttle.forClient(ip("192.0.2.1")), "alice@example.com", "wrong", 7)).containsExactly(
                "REJECTED+0", "REJECTED+0", "REJECTED+0", "REJECTED+1", "REJECTED+2", "THROTTLED", "THROTTLED");
        assertThat(checks).hasValue(5);
    }

    @Test
    void throttledAccountRefusesEvenTheRightPasswordFromAnotherAddress() {
        attempts(throttle.forClient(ip("192.0.2.1")), "alice@example.com", "wrong", 5);

        assertThat(throttle.forClient(ip("198.51.100.7")).verifyPassword("Alice@Example.com", "right"))
                .isEqualTo(Check.THROTTLED);
    }

    @Test
    void clientFailuresAcrossAccountsAreDelayedThenThrottled() {
        Credentials client = throttle.forClient(ip("192.0.2.1"));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 12; i++) outcomes.addAll(attempts(client, "user" + i + "@example.com", "wrong", 1));

        assertThat(outcomes).containsExactly("REJECTED+0", "REJECTED+0", "REJECTED+0", "REJECTED+1", "REJECTED+2",
                "REJECTED+4", "REJECTED+8", "REJECTED+8", "REJECTED+8", "REJECTED+8", "THROTTLED", "THROTTLED");
        assertThat(attempts(throttle.forClient(ip("192.0.2.2")), "other@example.com", "right", 1))
                .containsExactly("ACCEPTED+0");
    }

    @Test
    void successClearsTheAccountButNotTheClient() {
        Credentials client = throttle.forClient(ip("192.0.2.1"));
        attempts(client, "alice@example.com", "wrong", 4);

        assertThat(attempts(client, "alice@example.com", "right", 1)).containsExactly("ACCEPTED+2");
        // The account starts again; the address still carries its 4 failures (delay from the 4th on).
        assertThat(attempts(throttle.forClient(ip("192.0.2.9")), "alice@example.com", "wrong", 3))
                .containsExactly("REJECTED+0", "REJECTED+0", "REJECTED+0");
        assertThat(attempts(client, "bob@example.com", "wrong", 1)).containsExactly("REJECTED+2");
    }

    @Test
    void failuresExpireAfterTheWindow() {
        Credentials client = throttle.forClient(ip("192.0.2.1"));
        attempts(client, "alice@example.com", "wrong", 5);
        clock.advance(Duration.ofMinutes(9));
        assertThat(attempts(client, "alice@example.com", "right", 1)).containsExactly("THROTTLED");

        clock.advance(Duration.ofMinutes(1));

        assertThat(attempts(client, "alice@example.com", "right", 1)).containsExactly("ACCEPTED+0");
    }

    @Test
    void windowSlidesOneFailureAtATime() {
        Credentials client = throttle.forClient(ip("192.0.2.1"));
        attempts(client, "alice@example.com", "wrong", 1);
        clock.advance(Duration.ofMinutes(5));
        attempts(client, "alice@example.com", "wrong", 4);
        assertThat(attempts(client, "alice@example.com", "wrong", 1)).containsExactly("THROTTLED");

        clock.advance(Duration.ofMinutes(5)); // the first failure leaves the window, the other four stay

        assertThat(attempts(client, "alice@example.com", "wrong", 2)).containsExactly("REJECTED+2", "THROTTLED");
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64() {
        for (int i = 1; i <= 10; i++) attempts(throttle.forClient(ip("2001:db8:1:2::" + i)), "u" + i + "@example.com", "wrong", 1);

        assertThat(attempts(throttle.forClient(ip("2001:db8:1:2:ffff::1")), "x@example.com", "right", 1)).containsExactly("THROTTLED");
        assertThat(attempts(throttle.forClient(ip("2001:db8:1:3::1")), "x@example.com", "right", 1)).containsExactly("ACCEPTED+0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        192.0.2.1            | 192.0.2.1
        2001:db8:1:2::7      | 2001:db8:1:2::/64
        2001:db8:0:0:1::1    | 2001:db8:0:0::/64
        ::1                  | 0:0:0:0::/64
        """)
    void clientKey(String address, String key) {
        assertThat(AuthThrottle.clientKey(ip(address))).isEqualTo(key);
    }

    @Test
    void scramOutcomesAreCountedLikePasswords() {
        Credentials client = throttle.forClient(ip("192.0.2.1"));
        for (int i = 0; i < 5; i++) assertThat(client.scramOutcome("alice@example.com", false)).isEqualTo(Check.REJECTED);

        assertThat(client.scramOutcome("alice@example.com", true)).isEqualTo(Check.THROTTLED);
        assertThat(slept).extracting(Duration::toSeconds).containsExactly(1L, 2L);
    }

    @Test
    void trackedKeysAreBoundedOldestLockEvictedFirst() {
        AuthThrottle.Policy small = new AuthThrottle.Policy(Duration.ofMinutes(10), 3, Duration.ofSeconds(1),
                Duration.ofSeconds(8), 10, 1, 2);
        AuthThrottle bounded = new AuthThrottle(table, small, clock, slept::add);
        Credentials client = bounded.forClient(ip("192.0.2.1"));
        client.verifyPassword("a@example.com", "wrong");
        assertThat(client.verifyPassword("a@example.com", "right")).isEqualTo(Check.THROTTLED);

        client.verifyPassword("b@example.com", "wrong");
        client.verifyPassword("c@example.com", "wrong"); // evicts a@

        assertThat(client.verifyPassword("a@example.com", "right")).isEqualTo(Check.ACCEPTED);
    }

    // Issue 6 item 3: the account lock must survive an attacker who floods the bounded tables.

    @Test
    void throttledAttemptsWithDistinctNamesDoNotFlushTheAccountLock() {
        attempts(throttle.forClient(ip("192.0.2.1")), "alice@example.com", "wrong", 5);
        Credentials attacker = throttle.forClient(ip("203.0.113.66"));
        for (int i = 0; i < 20_000; i++) attacker.verifyPassword("flush" + i + "@example.com", "wrong");

        assertThat(throttle.forClient(ip("198.51.100.7")).verifyPassword("alice@example.com", "right"))
                .isEqualTo(Check.THROTTLED);
        assertThat(checks).hasValue(5 + 10); // the flood cost 10 password checks: the address limit
    }

    @Test
    void failuresSpreadOverManySlash64sDoNotFlushALockedAccount() {
        // Each /64 makes its 10 real failures, all on distinct names: 10 times more than the table holds.
        AuthThrottle bounded = new AuthThrottle(table, policyTracking(100), clock, slept::add);
        attempts(bounded.forClient(ip("192.0.2.1")), "alice@example.com", "wrong", 5);
        for (int net = 0; net < 100; net++) {
            Credentials attacker = bounded.forClient(ip("2001:db8:" + Integer.toHexString(net) + "::1"));
            for (int i = 0; i < 10; i++) attacker.verifyPassword("n" + net + "x" + i + "@example.com", "wrong");
        }

        assertThat(bounded.forClient(ip("198.51.100.7")).verifyPassword("alice@example.com", "right"))
                .isEqualTo(Check.THROTTLED);
    }

    @Test
    void oneAddressPutsAtMostItsLimitOfAccountsIntoTheTable() {
        Credentials attacker = throttle.forClient(ip("203.0.113.66"));
        for (int i = 0; i < 20_000; i++) attacker.verifyPassword("flush" + i + "@example.com", "wrong");

        assertThat(throttle.tracked()).isEqualTo(new AuthThrottle.Tracked(1, 10, 10, 1, 0));
    }

    @Test
    void aLockIsForgottenOnlyOnceTheTableIsFullOfNewerLocks() {
        // The price of pushing one lock out: maxTracked × accountLimit fresh failures, 10 per address.
        AuthThrottle bounded = new AuthThrottle(table, policyTracking(50), clock, slept::add);
        Credentials alice = bounded.forClient(ip("198.51.100.7"));
        attempts(bounded.forClient(ip("192.0.2.1")), "alice@example.com", "wrong", 5);
        for (int n = 0; n < 49; n++) {
            attempts(bounded.forClient(ip("2001:db8:" + Integer.toHexString(n / 2) + "::1")), "locked" + n + "@example.com", "wrong", 5);
        }
        assertThat(alice.verifyPassword("alice@example.com", "right")).isEqualTo(Check.THROTTLED);

        bounded.forClient(ip("2001:db8:ffff::1")).verifyPassword("one-more@example.com", "wrong");

        assertThat(alice.verifyPassword("alice@example.com", "right")).isEqualTo(Check.ACCEPTED);
        assertThat(checks).hasValue(5 + 49 * 5 + 1 + 1);
    }

    @Test
    void memoryStaysBoundedUnderAFloodFromManyAddresses() {
        AuthThrottle bounded = new AuthThrottle(table, policyTracking(100), clock, slept::add);
        for (int net = 0; net < 2_000; net++) {
            Credentials attacker = bounded.forClient(ip("2001:db8:" + Integer.toHexString(net) + "::1"));
            for (int i = 0; i < 20; i++) attacker.verifyPassword((i % 2 == 0 ? "alice" : "n" + net + "x" + i) + "@example.com", "wrong");
        }

        AuthThrottle.Tracked tracked = bounded.tracked();
        assertThat(tracked.clients()).isEqualTo(100);
        assertThat(tracked.accounts()).isEqualTo(100);
        assertThat(tracked.largestClientEntry()).isLessThanOrEqualTo(10);
        assertThat(tracked.largestAccountEntry()).isLessThanOrEqualTo(5);
        assertThat(tracked.running()).isZero();
        // 5 guesses at alice, then one address's 10 real failures each (on the names it was not refused for).
        assertThat(checks).hasValue(2_000 * 10);
    }

    @Test
    void refusedAttemptsAreSummarisedNotLoggedEach() {
        RecordingLogger logger = new RecordingLogger();
        AuthThrottle logged = new AuthThrottle(table, AuthThrottle.Policy.defaults(), clock, slept::add, logger);
        Credentials attacker = logged.forClient(ip("203.0.113.66"));
        for (int i = 0; i < 10_000; i++) attacker.verifyPassword("u" + i + "@example.com", "wrong");
        clock.advance(Duration.ofMinutes(1));
        attacker.verifyPassword("last@example.com", "wrong");

        assertThat(logger.at(Level.INFO)).hasSize(10).allMatch(l -> l.startsWith("auth failed user=u"));
        assertThat(logger.at(Level.WARN)).containsExactly(
                "auth throttled user=u10@example.com client=203.0.113.66 limit=client_failures",
                "auth throttled client=203.0.113.66 repeated=9989 in=60s last_user=u9999@example.com "
                        + "last_client=203.0.113.66 limit=client_failures");
    }

    @Test
    void aGuessedAccountIsSummarisedOnceWhateverTheAddresses() {
        RecordingLogger logger = new RecordingLogger();
        AuthThrottle logged = new AuthThrottle(table, AuthThrottle.Policy.defaults(), clock, slept::add, logger);
        for (int i = 0; i < 1_000; i++) {
            logged.forClient(ip("2001:db8:" + Integer.toHexString(i) + "::1")).verifyPassword("alice@example.com", "wrong");
        }

        assertThat(logger.at(Level.WARN)).containsExactly(
                "auth throttled user=alice@example.com client=2001:db8:5:0:0:0:0:1 limit=account_failures");
    }

    @Test
    void interruptedDelayIsATemporaryFailure() {
        AuthThrottle interrupting = new AuthThrottle(table, AuthThrottle.Policy.defaults(), clock, d -> {
            throw new InterruptedException();
        });
        Credentials client = interrupting.forClient(ip("192.0.2.1"));
        attempts(client, "alice@example.com", "wrong", 3);

        assertThat(client.verifyPassword("alice@example.com", "right")).isEqualTo(Check.THROTTLED);
        assertThat(Thread.interrupted()).isTrue();
        assertThat(checks).hasValue(3);
    }

    private static AuthThrottle.Policy policyTracking(int maxTracked) {
        AuthThrottle.Policy d = AuthThrottle.Policy.defaults();
        return new AuthThrottle.Policy(d.window(), d.freeFailures(), d.firstDelay(), d.maxDelay(), d.clientLimit(),
                d.accountLimit(), maxTracked);
    }

    @Test
    void delaysDoubleFromTheFreeFailuresAndAreCapped() {
        AuthThrottle.Policy policy = AuthThrottle.Policy.defaults();
        assertThat(List.of(0, 1, 2, 3, 4, 5, 6, 7, 100)).extracting(n -> policy.delayAfter(n).toSeconds())
                .containsExactly(0L, 0L, 0L, 1L, 2L, 4L, 8L, 8L, 8L);
    }
}
