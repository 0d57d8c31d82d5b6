package dev.tern.pop3;

import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

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
        byte[] salted = saltedPassword(password, salt, iterations);
        return new ScramCredential(salt, iterations, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
    }

    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] octets) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(octets);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
