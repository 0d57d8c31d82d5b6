package dev.tern.smtp.sasl;

import dev.tern.smtp.Credentials;
import dev.tern.smtp.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, without channel binding (the -PLUS variant is not offered):
 * <pre>
 * C: n,,n=user,r=client-nonce
 * S: r=client-nonce+server-nonce,s=salt,i=iterations
 * C: c=biws,r=client-nonce+server-nonce,p=ClientProof
 * S: v=ServerSignature                (only when the proof is valid)
 * C: (empty)
 * </pre>
 * An unknown user gets a made-up salt that is the same on every attempt (an HMAC of the name under a
 * per-process secret) and the exchange fails only after the proof (RFC 5802 §5.1), so the first challenge does
 * not tell which accounts exist. User names are compared as sent: no SASLprep (RFC 4013) normalisation.
 */
public final class ScramServer implements SaslServer {
    /** Server nonces: 18 random octets, base64 (printable, never a comma; RFC 5802 §7 {@code nonce}). */
    public static final Supplier<String> RANDOM_NONCES = ScramServer::randomNonce;

    // The account store's default (tern-auth ScramKeys.DEFAULT_ITERATIONS), so the count does not single out
    // unknown users; accounts created with another count still stand out, which only says "non-default".
    static final int FAKE_ITERATIONS = 8192;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] FAKE_SECRET = randomBytes(32);
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private enum State { CLIENT_FIRST, CLIENT_FINAL, VERIFIED, DONE }

    private final Credentials credentials;
    private final Supplier<String> nonces;
    private State state = State.CLIENT_FIRST;
    private String username;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredential credential;
    private boolean known;
    private byte[] serverSignature;

    /** {@code nonces} gives the server's part of each nonce; {@link #RANDOM_NONCES} except in tests. */
    public ScramServer(Credentials credentials, Supplier<String> nonces) {
        if (credentials == null || nonces == null) throw new IllegalArgumentException("credentials and nonces are required");
        this.credentials = credentials;
        this.nonces = nonces;
    }

    @Override
    public SaslStep start(Optional<byte[]> initialResponse) {
        // RFC 5802 §5 / RFC 4422 §3.4: a client-first mechanism; without an initial response, an empty challenge.
        return initialResponse.map(this::next).orElseGet(() -> new SaslStep.Challenge(""));
    }

    @Override
    public SaslStep next(byte[] response) {
        Optional<String> text = SaslText.utf8(response);
        return switch (state) {
            case CLIENT_FIRST -> text.map(this::clientFirst).orElseGet(this::fail);
            case CLIENT_FINAL -> text.map(this::clientFinal).orElseGet(this::fail);
            case VERIFIED -> {
                // RFC 4954 §4: the server-final message went as a challenge; the client answers it with nothing.
                state = State.DONE;
                yield response.length == 0 ? new SaslStep.Success(username) : SaslStep.REJECTED;
            }
            case DONE -> throw new IllegalStateException("SCRAM exchange already finished");
        };
    }

    /** RFC 5802 §7: client-first-message = gs2-header client-first-message-bare. */
    private SaslStep clientFirst(String message) {
        // gs2-cbind-flag: "n" (no channel binding) or "y" (client could, thinks we cannot: true, we offer no
        // -PLUS). "p=" asks for channel binding, which this mechanism does not do (RFC 5802 §6).
        if (!message.startsWith("n,") && !message.startsWith("y,")) return fail();
        int authzidEnd = message.indexOf(',', 2);
        if (authzidEnd < 0) return fail();
        String authzid = message.substring(2, authzidEnd);
        gs2Header = message.substring(0, authzidEnd + 1);
        clientFirstBare = message.substring(authzidEnd + 1);
        String[] attributes = clientFirstBare.split(",", -1);
        // RFC 5802 §5.1: "m=" is a mandatory extension we do not know: fail.
        if (attributes.length < 2 || !attributes[0].startsWith("n=") || !attributes[1].startsWith("r=")) return fail();
        Optional<String> name = saslName(attributes[0].substring(2));
        if (name.isEmpty() || !SaslText.isUsername(name.get())) return fail();
        username = name.get();
        if (!authzid.isEmpty()) {
            Optional<String> identity = authzid.startsWith("a=") ? saslName(authzid.substring(2)) : Optional.empty();
            if (identity.isEmpty() || !identity.get().equals(username)) return fail();
        }
        String clientNonce = attributes[1].substring(2);
        String serverNonce = nonces.get();
        if (!isNonce(clientNonce) || !isNonce(serverNonce)) return fail();
        nonce = clientNonce + serverNonce;
        Optional<ScramCredential> stored = credentials.scramSha256(username);
        known = stored.isPresent();
        credential = stored.orElseGet(() -> fake(username));
        serverFirst = "r=" + nonce + ",s=" + BASE64.encodeToString(credential.salt()) + ",i=" + credential.iterations();
        state = State.CLIENT_FINAL;
        return new SaslStep.Challenge(serverFirst);
    }

    /** RFC 5802 §7: client-final-message = channel-binding "," nonce ["," extensions] "," proof. */
    private SaslStep clientFinal(String message) {
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) return fail();
        String withoutProof = message.substring(0, proofAt);
        String[] attributes = withoutProof.split(",", -1);
        if (attributes.length < 2) return fail();
        // RFC 5802 §5.1: c= is the base64 of the gs2 header (no channel binding data), r= the whole nonce.
        if (!attributes[0].equals("c=" + BASE64.encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8)))) return fail();
        if (!attributes[1].equals("r=" + nonce)) return fail();
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
        } catch (IllegalArgumentException e) { // the client's bad base64: a malformed message, the exchange fails
            return fail();
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] storedKey = credential.storedKey();
        // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); valid when H(ClientKey) = StoredKey.
        byte[] clientKey = hmac(storedKey, authMessage);
        boolean valid = proof.length == clientKey.length;
        for (int i = 0; i < clientKey.length && valid; i++) clientKey[i] ^= proof[i];
        valid = MessageDigest.isEqual(sha256(clientKey), storedKey) && valid && known;
        Credentials.Check check = credentials.scramOutcome(username, valid);
        if (check == Credentials.Check.THROTTLED) {
            state = State.DONE;
            return new SaslStep.Failure(Credentials.Check.THROTTLED);
        }
        if (!valid || check != Credentials.Check.ACCEPTED) return fail();
        serverSignature = hmac(credential.serverKey(), authMessage);
        state = State.VERIFIED;
        return new SaslStep.Challenge("v=" + BASE64.encodeToString(serverSignature));
    }

    private SaslStep fail() {
        state = State.DONE;
        return SaslStep.REJECTED;
    }

    /** RFC 5802 §7 saslname: "=2C" is ',' and "=3D" is '='; any other '=' is malformed. */
    private static Optional<String> saslName(String text) {
        StringBuilder name = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',') return Optional.empty();
            if (c != '=') {
                name.append(c);
            } else if (text.startsWith("=2C", i)) {
                name.append(',');
                i += 2;
            } else if (text.startsWith("=3D", i)) {
                name.append('=');
                i += 2;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(name.toString());
    }

    /** RFC 5802 §7: printable = %x21-2B / %x2D-7E (no comma). */
    private static boolean isNonce(String text) {
        if (text.isEmpty() || text.length() > 256) return false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') return false;
        }
        return true;
    }

    /** Keys nobody can match, with a salt that stays the same for the name, so retries look like a real user. */
    private static ScramCredential fake(String username) {
        byte[] salt = Arrays.copyOf(hmac(FAKE_SECRET, "salt:" + username), 16);
        return new ScramCredential(salt, FAKE_ITERATIONS, randomBytes(32), randomBytes(32));
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] octets) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(octets);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] octets = new byte[n];
        RANDOM.nextBytes(octets);
        return octets;
    }

    private static String randomNonce() {
        return BASE64.encodeToString(randomBytes(18));
    }
}
