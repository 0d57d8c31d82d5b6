package dev.tern.pop3;

import dev.tern.sasl.Credentials;
import dev.tern.testbase.ScramClient;
import dev.tern.sasl.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * An honest in-memory {@link Credentials}: {@code alice@local.test} / {@code secret} and {@code bob@local.test} /
 * {@code pass word} (with SCRAM keys); {@code slow@local.test} is always throttled.
 */
public final class TableCredentials implements Credentials {
    static final byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final Map<String, String> passwords = Map.of("alice@local.test", "secret", "bob@local.test", "pass word");

    @Override
    public Check verifyPassword(String username, String password) {
        if (username.equals("slow@local.test")) return Check.THROTTLED;
        return password.equals(passwords.get(username)) ? Check.ACCEPTED : Check.REJECTED;
    }

    @Override
    public Optional<ScramCredential> scramSha256(String username) {
        return Optional.ofNullable(passwords.get(username)).map(p -> derive(p, SALT, 4096));
    }

    static ScramCredential derive(String password, byte[] salt, int iterations) {
        byte[] salted = ScramClient.saltedPassword(password, salt, iterations);
        return new ScramCredential(salt, iterations, ScramClient.sha256(ScramClient.hmac(salted, "Client Key")),
                ScramClient.hmac(salted, "Server Key"));
    }
}
