package dev.tern.smtp;

import dev.tern.sasl.ScramCredential;
import dev.tern.sasl.Credentials;
import dev.tern.testbase.ScramClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An honest in-memory {@link Credentials}: {@code alice@local.test} with password {@code secret} (and SCRAM keys
 * for it), {@code user} with {@code pencil} under the RFC 7677 §3 salt; {@code slow@local.test} is always
 * throttled. Records each check's outcome, never the password.
 */
public final class TableCredentials implements Credentials {
    public static final byte[] RFC7677_SALT = java.util.Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");

    private final Map<String, String> passwords = Map.of("alice@local.test", "secret", "user", "pencil");
    public final List<String> checks = new ArrayList<>();

    @Override
    public Check verifyPassword(String username, String password) {
        Check check = username.equals("slow@local.test") ? Check.THROTTLED
                : password.equals(passwords.get(username)) ? Check.ACCEPTED : Check.REJECTED;
        checks.add(username + " " + check);
        return check;
    }

    @Override
    public Optional<ScramCredential> scramSha256(String username) {
        String password = username.equals("slow@local.test") ? "x" : passwords.get(username);
        if (password == null) return Optional.empty();
        byte[] salt = username.equals("user") ? RFC7677_SALT : "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        return Optional.of(derive(password, salt, 4096));
    }

    @Override
    public Check scramOutcome(String username, boolean proofValid) {
        Check check = username.equals("slow@local.test") ? Check.THROTTLED
                : Credentials.super.scramOutcome(username, proofValid);
        checks.add(username + " " + check);
        return check;
    }

    /** RFC 5802 §3: SaltedPassword = Hi(password, salt, i); StoredKey = H(HMAC(SP, "Client Key")); ServerKey. */
    public static ScramCredential derive(String password, byte[] salt, int iterations) {
        byte[] salted = ScramClient.saltedPassword(password, salt, iterations);
        return new ScramCredential(salt, iterations, ScramClient.sha256(ScramClient.hmac(salted, "Client Key")),
                ScramClient.hmac(salted, "Server Key"));
    }
}
