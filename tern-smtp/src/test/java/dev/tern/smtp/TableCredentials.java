package dev.tern.smtp;

import dev.tern.sasl.ScramCredential;
import dev.tern.sasl.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

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
        byte[] salted = saltedPassword(password, salt, iterations);
        return new ScramCredential(salt, iterations, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
    }

    public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sha256(byte[] octets) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(octets);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
