package dev.tern.auth;

import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import java.security.SecureRandom;
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
        // Random salt and tag with the store's cost: a check against it runs the same Argon2id as against a real
        // hash and never matches (a 2^-256 chance), without paying a hash at start (docs/junit.md, start time).
        SecureRandom secureRandom = new SecureRandom();
        byte[] salt = new byte[PasswordHash.SALT_LENGTH];
        byte[] tag = new byte[PasswordHash.HASH_LENGTH];
        secureRandom.nextBytes(salt);
        secureRandom.nextBytes(tag);
        this.dummy = new PasswordHash(store.settings().passwordCost(), salt, tag);
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
