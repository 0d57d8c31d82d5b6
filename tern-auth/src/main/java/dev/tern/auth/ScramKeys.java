package dev.tern.auth;

import dev.tern.sasl.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives the stored SCRAM-SHA-256 keys of an account from its password (RFC 5802 §3, RFC 7677):
 * <pre>
 * SaltedPassword = Hi(Normalize(password), salt, i)     PBKDF2-HMAC-SHA-256, 32 octets
 * ClientKey      = HMAC(SaltedPassword, "Client Key")
 * StoredKey      = H(ClientKey)
 * ServerKey      = HMAC(SaltedPassword, "Server Key")
 * </pre>
 * Only StoredKey and ServerKey are kept; neither lets anyone log in without first guessing the password.
 */
public final class ScramKeys {
    /**
     * 8192 iterations: twice RFC 7677 §4's minimum. The client pays this on every login (the server only
     * stores the result), so more would slow phones without slowing an attacker much more than Argon2 already
     * does for the same file.
     */
    public static final int DEFAULT_ITERATIONS = 8192;
    public static final int SALT_LENGTH = 16;

    private ScramKeys() {}

    /** Keys for {@code password} under a fresh random 16-octet salt. */
    public static ScramCredential create(String password, int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return derive(password, salt, iterations);
    }

    /** Keys for {@code password} under the given salt and iteration count. */
    public static ScramCredential derive(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(Passwords.prepare(password), salt, iterations);
        try {
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] serverKey = hmac(salted, "Server Key");
            return new ScramCredential(salt, iterations, storedKey, serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** HMAC-SHA-256 of {@code text}'s UTF-8 octets under {@code key}. */
    static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        // PBEKeySpec takes chars, and the JDK's PBKDF2 feeds their UTF-8 octets to HMAC, as Hi() wants.
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is required of every JDK", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
