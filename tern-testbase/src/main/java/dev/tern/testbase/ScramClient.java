package dev.tern.testbase;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 and -PLUS (RFC 5802 §3, §6), for tests: messages as text, not base64. The gs2
 * header and the channel binding data sent in {@code c=} are the test's choice, so they can also be wrong. With
 * the RFC's key derivation, which tests also use to make the stored keys a server checks against (JDK crypto).
 */
public final class ScramClient {
    private final String username;
    private final String password;
    private final String clientNonce;
    private final String gs2Header;
    private final byte[] bindingData;
    private String clientFirstBare;
    private byte[] serverSignature;

    /** SCRAM-SHA-256 without channel binding: gs2 header {@code n,,}. */
    public ScramClient(String username, String password, String clientNonce) {
        this(username, password, clientNonce, "n,,", new byte[0]);
    }

    /** Sends {@code gs2Header} (such as {@code y,,} or {@code p=tls-exporter,,}) and {@code bindingData} after it in c=. */
    public ScramClient(String username, String password, String clientNonce, String gs2Header, byte[] bindingData) {
        this.username = username;
        this.password = password;
        this.clientNonce = clientNonce;
        this.gs2Header = gs2Header;
        this.bindingData = bindingData.clone();
    }

    /** SCRAM-SHA-256-PLUS bound to {@code tlsExporter} (RFC 9266). */
    public static ScramClient plus(String username, String password, String clientNonce, byte[] tlsExporter) {
        return new ScramClient(username, password, clientNonce, "p=tls-exporter,,", tlsExporter);
    }

    public String first() {
        clientFirstBare = "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return gs2Header + clientFirstBare;
    }

    /** The client-final message for the server-first message {@code serverFirst}. */
    public String last(String serverFirst) {
        String[] attributes = serverFirst.split(",");
        String nonce = attributes[0].substring(2);
        byte[] salt = Base64.getDecoder().decode(attributes[1].substring(2));
        int iterations = Integer.parseInt(attributes[2].substring(2));
        // RFC 5802 §7: cbind-input = gs2-header [ cbind-data ]; "n,," alone is "biws".
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        byte[] cbindInput = Arrays.copyOf(header, header.length + bindingData.length);
        System.arraycopy(bindingData, 0, cbindInput, header.length, bindingData.length);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbindInput) + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] signature = hmac(sha256(clientKey), authMessage);
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) proof[i] ^= signature[i];
        serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** The server-final message a genuine server sends. */
    public String expectedServerFinal() {
        return "v=" + Base64.getEncoder().encodeToString(serverSignature);
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** RFC 5802 §2.2: SaltedPassword = Hi(password, salt, i), PBKDF2 with HMAC-SHA-256. */
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
