package dev.tern.auth;

import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * {@link Credentials} backed by an {@link AccountStore}: PLAIN and LOGIN check the Argon2id hash, SCRAM gets
 * the stored keys. No rate limiting and no logging here: {@link AuthThrottle#forClient} wraps this per
 * connection.
 *
 * <p>An unknown user costs the same as a known one: the password is checked against a dummy hash made with
 * the current costs, and the answer is {@code REJECTED} either way. At most {@code availableProcessors()}
 * hashes run at once (each holds {@code m} KiB, 19 MiB by default), so a flood of logins queues here instead
 * of exhausting the heap; callers wait on virtual threads. Thread-safe.
 */
public final class AccountCredentials implements Credentials {
    private final AccountStore store;
    private final PasswordHash dummy;
    private final Semaphore hashing;

    public AccountCredentials(AccountStore store) {
        this(store, Runtime.getRuntime().availableProcessors());
    }

    AccountCredentials(AccountStore store, int concurrentHashes) {
        this.store = store;
        byte[] random = new byte[24];
        SecureRandom secureRandom = new SecureRandom();
        secureRandom.nextBytes(random);
        this.dummy = PasswordHash.create(HexFormat.of().formatHex(random), store.settings().passwordCost(),
                secureRandom);
        this.hashing = new Semaphore(Math.max(1, concurrentHashes), true);
    }

    @Override
    public Check verifyPassword(String username, String password) {
        Optional<Account> account = store.find(username);
        PasswordHash hash = account.map(Account::passwordHash).orElse(dummy);
        try {
            hashing.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: a temporary failure, and the caller sees the flag
            return Check.THROTTLED;
        }
        boolean matches;
        try {
            matches = hash.matches(password);
        } finally {
            hashing.release();
        }
        return matches && account.isPresent() ? Check.ACCEPTED : Check.REJECTED;
    }

    @Override
    public Optional<ScramCredential> scramSha256(String username) {
        return store.find(username).map(Account::scram);
    }
}
