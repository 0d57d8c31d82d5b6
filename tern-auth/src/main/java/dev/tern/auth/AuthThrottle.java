package dev.tern.auth;

import dev.tern.smtp.Credentials;
import dev.tern.smtp.ScramCredential;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits for authentication failures, per client address and per account, over a sliding window
 * (RFC 4954 §4 leaves the policy to the server; the issue asks for delays, then refusals).
 *
 * <p>Each check first counts the failures of its client address (IPv6 by /64, which one host usually owns)
 * and of its account within {@link Policy#window()}. When either count has reached its hard limit the check
 * answers {@code THROTTLED} without looking at the password. Otherwise, from {@link Policy#freeFailures()}
 * failures on, the calling thread sleeps {@code firstDelay × 2^(failures − free)}, capped at
 * {@link Policy#maxDelay()}, before the password is checked. Only checks that failed count: correct logins
 * made at the same time never delay each other. So that parallel connections cannot race many guesses past
 * the limit before the first failure is recorded, at most {@link #MAX_CONCURRENT_PER_ACCOUNT} checks per
 * account and {@link #MAX_CONCURRENT_PER_CLIENT} per client address run at once; more are {@code THROTTLED}.
 * A success clears the account's failures but not the address's, so logging into one's own account does not
 * buy more guesses at another.
 *
 * <p>The maps are bounded at {@link Policy#maxTracked()} keys each, least recently used evicted first. The
 * lock guards only the maps: no sleeping or hashing inside it. Thread-safe; the delay runs on the caller's
 * (virtual) thread.
 */
public final class AuthThrottle {
    private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);
    /** Checks of one account running at once; a mail program opens a few connections, not dozens. */
    public static final int MAX_CONCURRENT_PER_ACCOUNT = 8;
    /** Checks from one client address running at once (a webmail host logs many users in). */
    public static final int MAX_CONCURRENT_PER_CLIENT = 32;

    /**
     * The limits. Defaults: a 10-minute window; 3 free failures, then delays of 1, 2, 4, 8, 8 … seconds;
     * {@code THROTTLED} from 10 failures per client address or 5 per account; 10,000 tracked keys per map.
     */
    public record Policy(Duration window, int freeFailures, Duration firstDelay, Duration maxDelay, int clientLimit,
                         int accountLimit, int maxTracked) {
        public Policy {
            if (window == null || window.isNegative() || window.isZero()) throw new IllegalArgumentException("positive window");
            if (firstDelay == null || maxDelay == null || firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
                throw new IllegalArgumentException("0 <= firstDelay <= maxDelay");
            }
            if (freeFailures < 0 || clientLimit < 1 || accountLimit < 1 || maxTracked < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        public static Policy defaults() {
            return new Policy(Duration.ofMinutes(10), 3, Duration.ofSeconds(1), Duration.ofSeconds(8), 10, 5, 10_000);
        }

        /** The delay before a check made after {@code failures} failures in the window. */
        public Duration delayAfter(int failures) {
            if (failures < freeFailures) return Duration.ZERO;
            int doublings = Math.min(failures - freeFailures, 30);
            Duration delay = firstDelay.multipliedBy(1L << doublings);
            return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
        }
    }

    /** How the delay is spent; tests record instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper THREAD = Thread::sleep;

        void sleep(Duration duration) throws InterruptedException;
    }

    private final Credentials accounts;
    private final Policy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Map<String, ArrayDeque<Instant>> byClient;
    private final Map<String, ArrayDeque<Instant>> byAccount;
    private final Map<String, Integer> runningByClient = new HashMap<>();
    private final Map<String, Integer> runningByAccount = new HashMap<>();

    public AuthThrottle(Credentials accounts, Policy policy) {
        this(accounts, policy, Clock.systemUTC(), Sleeper.THREAD);
    }

    public AuthThrottle(Credentials accounts, Policy policy, Clock clock, Sleeper sleeper) {
        this.accounts = accounts;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.byClient = bounded(policy.maxTracked());
        this.byAccount = bounded(policy.maxTracked());
    }

    /** The credentials one connection from {@code client} uses: the accounts, limited and logged. */
    public Credentials forClient(InetAddress client) {
        return new ClientCredentials(client);
    }

    private final class ClientCredentials implements Credentials {
        private final InetAddress client;
        private final String clientKey;

        ClientCredentials(InetAddress client) {
            this.client = client;
            this.clientKey = clientKey(client);
        }

        @Override
        public Check verifyPassword(String username, String password) {
            return limited(username, () -> accounts.verifyPassword(username, password));
        }

        @Override
        public Optional<ScramCredential> scramSha256(String username) {
            return accounts.scramSha256(username);
        }

        @Override
        public Check scramOutcome(String username, boolean proofValid) {
            return limited(username, () -> accounts.scramOutcome(username, proofValid));
        }

        private Check limited(String username, Supplier<Check> check) {
            String account = Usernames.canonical(username).orElseGet(() -> Usernames.forLog(username).toLowerCase(Locale.ROOT));
            Instant attempt = clock.instant();
            Optional<Duration> delay = admit(clientKey, account, attempt);
            if (delay.isEmpty()) {
                log.warn("auth throttled user={} client={}", account, client.getHostAddress());
                return Check.THROTTLED;
            }
            Check result = Check.THROTTLED;
            try {
                if (delay.get().isPositive()) sleeper.sleep(delay.get());
                result = check.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down: answer a temporary failure, keep the flag
            } finally {
                settle(clientKey, account, attempt, result); // always, or the running counts would leak
            }
            switch (result) {
                case ACCEPTED -> log.info("auth ok user={} client={}", account, client.getHostAddress());
                case REJECTED -> log.info("auth failed user={} client={}", account, client.getHostAddress());
                case THROTTLED -> log.warn("auth throttled user={} client={}", account, client.getHostAddress());
            }
            return result;
        }
    }

    /**
     * Admits a check unless a limit is reached: the failures in the window, or the checks already running.
     * Returns the delay to apply (from the failures so far), or empty for {@code THROTTLED}.
     */
    private synchronized Optional<Duration> admit(String client, String account, Instant now) {
        ArrayDeque<Instant> clientFailures = recent(byClient, client, now);
        ArrayDeque<Instant> accountFailures = recent(byAccount, account, now);
        if (clientFailures.size() >= policy.clientLimit() || accountFailures.size() >= policy.accountLimit()
                || runningByClient.getOrDefault(client, 0) >= MAX_CONCURRENT_PER_CLIENT
                || runningByAccount.getOrDefault(account, 0) >= MAX_CONCURRENT_PER_ACCOUNT) {
            return Optional.empty();
        }
        runningByClient.merge(client, 1, Integer::sum);
        runningByAccount.merge(account, 1, Integer::sum);
        return Optional.of(policy.delayAfter(Math.max(clientFailures.size(), accountFailures.size())));
    }

    /** Ends an admitted check: a failure is counted, a success clears the account's failures. */
    private synchronized void settle(String client, String account, Instant attempt, Credentials.Check result) {
        runningByClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
        runningByAccount.computeIfPresent(account, (k, n) -> n <= 1 ? null : n - 1);
        switch (result) {
            case REJECTED -> {
                recent(byClient, client, attempt).addLast(attempt);
                recent(byAccount, account, attempt).addLast(attempt);
            }
            case ACCEPTED -> byAccount.remove(account);
            case THROTTLED -> { } // a temporary failure of ours (interrupted while waiting): not the client's
        }
    }

    private ArrayDeque<Instant> recent(Map<String, ArrayDeque<Instant>> map, String key, Instant now) {
        ArrayDeque<Instant> failures = map.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant horizon = now.minus(policy.window());
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(horizon)) failures.removeFirst();
        return failures;
    }

    private static Map<String, ArrayDeque<Instant>> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Instant>> eldest) {
                return size() > max;
            }
        };
    }

    /** The key a client address is counted under: IPv4 as is, IPv6 by its /64 prefix. */
    static String clientKey(InetAddress client) {
        if (!(client instanceof Inet6Address)) return client.getHostAddress();
        byte[] a = client.getAddress();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i += 2) sb.append(String.format("%x:", ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff)));
        return sb.append(":/64").toString();
    }
}
