package dev.tern.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The client side of SCRAM-SHA-256 (RFC 5802 §3), for tests: messages as text, not base64. */
public final class ScramClient {
    private final String username;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] serverSignature;

    public ScramClient(String username, String password, String clientNonce) {
        this.username = username;
        this.password = password;
        this.clientNonce = clientNonce;
    }

    public String first() {
        clientFirstBare = "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return "n,," + clientFirstBare;
    }

    /** The client-final message for the server-first message {@code serverFirst}. */
    public String last(String serverFirst) {
        String[] attributes = serverFirst.split(",");
        String nonce = attributes[0].substring(2);
        byte[] salt = Base64.getDecoder().decode(attributes[1].substring(2));
        int iterations = Integer.parseInt(attributes[2].substring(2));
        String withoutProof = "c=biws,r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] salted = TableCredentials.saltedPassword(password, salt, iterations);
        byte[] clientKey = TableCredentials.hmac(salted, "Client Key");
        byte[] signature = TableCredentials.hmac(TableCredentials.sha256(clientKey), authMessage);
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) proof[i] ^= signature[i];
        serverSignature = TableCredentials.hmac(TableCredentials.hmac(salted, "Server Key"), authMessage);
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
}
