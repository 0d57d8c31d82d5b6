package dev.tern.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** The client side of SCRAM-SHA-256(-PLUS) (RFC 5802 §3), for tests; messages as text. */
final class ScramClient {
    private final String username;
    private final String password;
    private final String gs2Header;
    private final byte[] bindingData;
    private String clientFirstBare;
    private String serverSignature;

    ScramClient(String username, String password, String gs2Header, byte[] bindingData) {
        this.username = username;
        this.password = password;
        this.gs2Header = gs2Header;
        this.bindingData = bindingData.clone();
    }

    String first() {
        clientFirstBare = "n=" + username + ",r=clientnonce";
        return gs2Header + clientFirstBare;
    }

    String last(String serverFirst) {
        String[] attributes = serverFirst.split(",");
        String nonce = attributes[0].substring(2);
        byte[] salt = Base64.getDecoder().decode(attributes[1].substring(2));
        int iterations = Integer.parseInt(attributes[2].substring(2));
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        byte[] cbind = Arrays.copyOf(header, header.length + bindingData.length);
        System.arraycopy(bindingData, 0, cbind, header.length, bindingData.length);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] salted = TableCredentials.saltedPassword(password, salt, iterations);
        byte[] clientKey = TableCredentials.hmac(salted, "Client Key");
        byte[] signature = TableCredentials.hmac(TableCredentials.sha256(clientKey), authMessage);
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) proof[i] ^= signature[i];
        serverSignature = "v=" + Base64.getEncoder().encodeToString(
                TableCredentials.hmac(TableCredentials.hmac(salted, "Server Key"), authMessage));
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    String expectedServerFinal() {
        return serverSignature;
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
