package dev.tern.sasl;

import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
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
 * SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677), server side:
 * <pre>
 * C: n,,n=user,r=client-nonce         (-PLUS: p=tls-exporter,,n=user,r=client-nonce)
 * S: r=client-nonce+server-nonce,s=salt,i=iterations
 * C: c=biws,r=client-nonce+server-nonce,p=ClientProof
 *                                     (-PLUS: c=base64(gs2-header + tls-exporter octets))
 * S: v=ServerSignature                (only when the proof is valid)
 * C: (empty)
 * </pre>
 * <p>Channel binding (RFC 5802 §6): -PLUS ({@link #plus}) binds to the RFC 9266 {@code tls-exporter} value and
 * accepts no other channel binding type. Plain SCRAM-SHA-256 refuses {@code p=}; on a connection where the
 * server offers -PLUS, it also refuses the flag {@code y} ("the client could bind, thinks the server cannot"),
 * which means someone removed -PLUS from the EHLO reply: a downgrade. Both failures come right after the
 * client-first message, as a plain failure (535 in SMTP): SCRAM's {@code e=} server-error only exists in the
 * server-final message, and SMTP could not carry it in a failure reply anyway.
 *
 * <p>An unknown user gets a made-up salt that is the same on every attempt (an HMAC of the name under a
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
    private final ChannelBinding binding;
    private final boolean plus;
    private State state = State.CLIENT_FIRST;
    private String username;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredential credential;
    private boolean known;
    private byte[] serverSignature;

    /**
     * SCRAM-SHA-256 where the server offers no channel binding. {@code nonces} gives the server's part of each
     * nonce; {@link #RANDOM_NONCES} except in tests.
     */
    public ScramServer(Credentials credentials, Supplier<String> nonces) {
        this(credentials, nonces, ChannelBinding.NONE);
    }

    /** SCRAM-SHA-256 on a connection with {@code binding}: when there is one, the gs2 flag {@code y} fails. */
    public ScramServer(Credentials credentials, Supplier<String> nonces, ChannelBinding binding) {
        this(credentials, nonces, binding, false);
    }

    private ScramServer(Credentials credentials, Supplier<String> nonces, ChannelBinding binding, boolean plus) {
        if (credentials == null || nonces == null || binding == null) {
            throw new IllegalArgumentException("credentials, nonces and binding are required");
        }
        this.credentials = credentials;
        this.nonces = nonces;
        this.binding = binding;
        this.plus = plus;
    }

    /** SCRAM-SHA-256-PLUS bound to the connection's RFC 9266 {@code tls-exporter} value. */
    public static ScramServer plus(Credentials credentials, Supplier<String> nonces, ChannelBinding.TlsExporter binding) {
        return new ScramServer(credentials, nonces, binding, true);
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
        int flagEnd = message.indexOf(',');
        if (flagEnd < 0 || !acceptable(message.substring(0, flagEnd))) return fail();
        int authzidEnd = message.indexOf(',', flagEnd + 1);
        if (authzidEnd < 0) return fail();
        String authzid = message.substring(flagEnd + 1, authzidEnd);
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
        // RFC 5802 §5.1, §7: c= is the base64 of the gs2 header and, with -PLUS, the channel binding data (RFC
        // 9266 §4: the tls-exporter octets); r= is the whole nonce.
        byte[] expected = gs2Header.getBytes(StandardCharsets.UTF_8);
        if (plus && binding instanceof ChannelBinding.TlsExporter exporter) expected = concat(expected, exporter.octets());
        if (!MessageDigest.isEqual(attributes[0].getBytes(StandardCharsets.UTF_8),
                ("c=" + BASE64.encodeToString(expected)).getBytes(StandardCharsets.UTF_8))) return fail();
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

    /** RFC 5802 §6, §7 gs2-cbind-flag: whether this flag is acceptable for this mechanism on this connection. */
    private boolean acceptable(String flag) {
        // -PLUS: only "p=tls-exporter" (RFC 9266 §3; cb-names are case-sensitive, RFC 5056 §7). "n" or "y"
        // under -PLUS is malformed (RFC 5802 §6: a client that chose -PLUS must bind).
        if (plus) return flag.equals("p=tls-exporter");
        return switch (flag) {
            case "n" -> true;
            // "y": the client can bind but believes the server cannot. If this server can, the -PLUS offer was
            // stripped on the way: a downgrade attack, so the exchange fails (RFC 5802 §6).
            case "y" -> binding instanceof ChannelBinding.None;
            // "p=" asks for channel binding, which plain SCRAM-SHA-256 does not do (RFC 5802 §6).
            default -> false;
        };
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
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
