package dev.tern.readers;

import dev.tern.auth.Usernames;
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

/** An honest in-memory {@link Credentials}: {@code alice@local.test} / {@code secret}, with SCRAM-SHA-256 keys;
 * names in any case, as the account store takes them. */
final class Pop3TestCredentials implements Credentials {
    private static final byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final Map<String, String> passwords = Map.of("alice@local.test", "secret", "bob@local.test", "hunter2");

    @Override
    public Check verifyPassword(String username, String password) {
        return password.equals(passwords.get(canonical(username))) ? Check.ACCEPTED : Check.REJECTED;
    }

    @Override
    public Optional<ScramCredential> scramSha256(String username) {
        return Optional.ofNullable(passwords.get(canonical(username))).map(Pop3TestCredentials::derive);
    }

    /** As the account store does: any case logs in (tern-auth {@link Usernames}). */
    private static String canonical(String username) {
        return Usernames.canonical(username).orElse("");
    }

    private static ScramCredential derive(String password) {
        try {
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), SALT, 4096, 256)).getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            return new ScramCredential(SALT, 4096, MessageDigest.getInstance("SHA-256").digest(clientKey),
                    hmac(salted, "Server Key"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }
}
