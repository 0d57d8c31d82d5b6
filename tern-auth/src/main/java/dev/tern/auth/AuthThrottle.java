package dev.tern.auth;

import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
 * <p>Only failures of admitted checks are recorded: a refused attempt costs no password check and leaves
 * nothing behind, so one address can put at most {@link Policy#clientLimit()} accounts into the table per
 * window. The tables ({@link FailureTable}) are bounded at {@link Policy#maxTracked()} keys each and evict by
 * age, entries below a limit before locks, so a lock holds against floods of distinct names from one address
 * or from many. Refusals are logged through {@link ThrottleLog}: the first in full, then one summary line per
 * minute per address or account. The lock guards only the tables: no sleeping, hashing or logging inside it.
 * Thread-safe; the delay runs on the caller's (virtual) thread.
 */
public final class AuthThrottle {
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

    /** What refused an attempt; the log summarises refusals per client address or per account accordingly. */
    enum Limit {
        CLIENT_FAILURES("client_failures", true), ACCOUNT_FAILURES("account_failures", false),
        CLIENT_CONCURRENCY("client_concurrency", true), ACCOUNT_CONCURRENCY("account_concurrency", false);

        private final String logName;
        private final boolean perClient;

        Limit(String logName, boolean perClient) {
            this.logName = logName;
            this.perClient = perClient;
        }

        String logName() {
            return logName;
        }
    }

    /** The answer of {@link #admit}: check the password after a delay, or refuse by a limit. */
    private sealed interface Admission {
        record Admitted(Duration delay) implements Admission {}

        record Refused(Limit limit) implements Admission {}
    }

    private final Credentials accounts;
    private final Policy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Logger log;
    private final ThrottleLog throttleLog;
    private final FailureTable byClient;
    private final FailureTable byAccount;
    private final Map<String, Integer> runningByClient = new HashMap<>();
    private final Map<String, Integer> runningByAccount = new HashMap<>();

    public AuthThrottle(Credentials accounts, Policy policy) {
        this(accounts, policy, Clock.systemUTC(), Sleeper.THREAD);
    }

    public AuthThrottle(Credentials accounts, Policy policy, Clock clock, Sleeper sleeper) {
        this(accounts, policy, clock, sleeper, LoggerFactory.getLogger(AuthThrottle.class));
    }

    /** With the logger given, so a test can read the lines. */
    AuthThrottle(Credentials accounts, Policy policy, Clock clock, Sleeper sleeper, Logger log) {
        this.accounts = accounts;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
        this.throttleLog = new ThrottleLog(log, ThrottleLog.DEFAULT_INTERVAL, policy.maxTracked(), clock);
        this.byClient = new FailureTable(policy.window(), policy.clientLimit(), policy.maxTracked());
        this.byAccount = new FailureTable(policy.window(), policy.accountLimit(), policy.maxTracked());
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
            switch (admit(clientKey, account, attempt)) {
                case Admission.Refused(Limit limit) -> {
                    String key = limit.perClient ? "client=" + clientKey : "user=" + account;
                    throttleLog.refused(new ThrottleLog.Refusal(limit, key, account, client.getHostAddress()));
                    return Check.THROTTLED;
                }
                case Admission.Admitted(Duration delay) -> {
                    return checked(account, attempt, delay, check);
                }
            }
        }

        private Check checked(String account, Instant attempt, Duration delay, Supplier<Check> check) {
            Check result = Check.THROTTLED;
            try {
                if (delay.isPositive()) sleeper.sleep(delay);
                result = check.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down: answer a temporary failure, keep the flag
            } finally {
                settle(clientKey, account, attempt, result); // always, or the running counts would leak
            }
            switch (result) {
                case ACCEPTED -> log.info("auth ok user={} client={}", account, client.getHostAddress());
                case REJECTED -> log.info("auth failed user={} client={}", account, client.getHostAddress());
                case THROTTLED -> log.warn("auth not checked user={} client={}", account, client.getHostAddress());
            }
            return result;
        }
    }

    /**
     * Admits a check unless a limit is reached: the failures in the window, or the checks already running.
     * Looking the failures up creates nothing: a refused attempt leaves no entry behind.
     */
    private synchronized Admission admit(String client, String account, Instant now) {
        int clientFailures = byClient.count(client, now);
        int accountFailures = byAccount.count(account, now);
        if (clientFailures >= policy.clientLimit()) return new Admission.Refused(Limit.CLIENT_FAILURES);
        if (accountFailures >= policy.accountLimit()) return new Admission.Refused(Limit.ACCOUNT_FAILURES);
        if (runningByClient.getOrDefault(client, 0) >= MAX_CONCURRENT_PER_CLIENT) {
            return new Admission.Refused(Limit.CLIENT_CONCURRENCY);
        }
        if (runningByAccount.getOrDefault(account, 0) >= MAX_CONCURRENT_PER_ACCOUNT) {
            return new Admission.Refused(Limit.ACCOUNT_CONCURRENCY);
        }
        runningByClient.merge(client, 1, Integer::sum);
        runningByAccount.merge(account, 1, Integer::sum);
        return new Admission.Admitted(policy.delayAfter(Math.max(clientFailures, accountFailures)));
    }

    /** Ends an admitted check: a failure is counted, a success clears the account's failures. */
    private synchronized void settle(String client, String account, Instant attempt, Credentials.Check result) {
        runningByClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
        runningByAccount.computeIfPresent(account, (k, n) -> n <= 1 ? null : n - 1);
        switch (result) {
            case REJECTED -> {
                byClient.add(client, attempt);
                byAccount.add(account, attempt);
            }
            case ACCEPTED -> byAccount.clear(account);
            case THROTTLED -> { } // a temporary failure of ours (interrupted while waiting): not the client's
        }
    }

    /** What the throttle holds, for the tests of the memory bound. */
    record Tracked(int clients, int accounts, int largestClientEntry, int largestAccountEntry, int running) {}

    synchronized Tracked tracked() {
        return new Tracked(byClient.size(), byAccount.size(), byClient.largestEntry(), byAccount.largestEntry(),
                runningByClient.size() + runningByAccount.size());
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
