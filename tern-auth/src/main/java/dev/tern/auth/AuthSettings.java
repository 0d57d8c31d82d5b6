package dev.tern.auth;

import java.time.Duration;

/**
 * Settings of the accounts module.
 *
 * @param passwordCost   Argon2id costs for new password hashes (existing hashes keep their own)
 * @param scramIterations PBKDF2 iterations for new SCRAM keys, at least 4096 (RFC 7677 §4)
 * @param reloadInterval how often, at most, a lookup looks at the accounts file's size, time and inode
 * @param throttle       the failure rate limits
 */
public record AuthSettings(PasswordHash.Cost passwordCost, int scramIterations, Duration reloadInterval,
                           AuthThrottle.Policy throttle) {
    public AuthSettings {
        if (passwordCost == null || reloadInterval == null || throttle == null) throw new IllegalArgumentException("null setting");
        if (scramIterations < 4096) throw new IllegalArgumentException("scram iterations at least 4096 (RFC 7677 §4)");
        if (reloadInterval.isNegative()) throw new IllegalArgumentException("negative reload interval");
    }

    public static AuthSettings defaults() {
        return new AuthSettings(PasswordHash.Cost.DEFAULT, ScramKeys.DEFAULT_ITERATIONS, Duration.ofSeconds(1),
                AuthThrottle.Policy.defaults());
    }
}
