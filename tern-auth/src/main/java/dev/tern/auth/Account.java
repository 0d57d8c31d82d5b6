package dev.tern.auth;

import dev.tern.sasl.ScramCredential;
import java.util.Optional;

/**
 * One account: its canonical username ({@link Usernames#canonical(String)}), the Argon2id hash checked by
 * PLAIN and LOGIN, and the keys SCRAM-SHA-256 needs. Both are derived from the same password when it is set.
 */
public record Account(String username, PasswordHash passwordHash, ScramCredential scram) {
    public Account {
        if (username == null || !Usernames.canonical(username).equals(Optional.of(username))) {
            throw new IllegalArgumentException("username is not a canonical address");
        }
        if (passwordHash == null || scram == null) throw new IllegalArgumentException("no credentials");
    }

    @Override
    public String toString() {
        return "Account[" + username + ", credentials redacted]";
    }
}
