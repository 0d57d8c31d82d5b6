package dev.tern.mailauth.dkim;

import dev.tern.mailauth.FoldedField;
import dev.tern.mailauth.HeaderField;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signs messages of one domain with each of its keys (RFC 6376 §5), typically an Ed25519 and an RSA-2048 key
 * together, as RFC 8463 §3 recommends while receivers without Ed25519 remain.
 *
 * <p>Every signature is relaxed/relaxed with SHA-256 and a {@code t=} from the clock, without {@code x=} or
 * {@code l=}, so one body hash serves all keys. {@code h=} lists the fields of RFC 6376 §5.4.1's recommended set
 * once per instance present; the fields in {@link #OVERSIGNED} are listed once more than present (§8.15, "h=
 * oversigning"), so a copy added in transit breaks the signature. Thread-safe: each {@link Signing} is one message's
 * and belongs to one thread.
 */
public final class DkimSigner {
    /** RFC 6376 §5.4.1's recommended fields, in the order they are listed in {@code h=}. */
    static final List<String> SIGNED = List.of("from", "reply-to", "subject", "date", "to", "cc", "in-reply-to",
            "references", "message-id", "mime-version", "content-type", "content-transfer-encoding");

    /** Fields signed one time more than they occur; the ones a forger would add to change what a reader sees. */
    public static final Set<String> OVERSIGNED = Set.of("from", "reply-to", "subject", "date", "to", "cc",
            "message-id");

    private final List<SigningKey> keys;
    private final Map<SigningKey, Ed25519PrivateKeyParameters> ed25519 = new java.util.HashMap<>();
    private final Clock clock;

    public DkimSigner(List<SigningKey> keys, Clock clock) {
        if (keys.isEmpty()) throw new IllegalArgumentException("a signer needs at least one key");
        this.keys = List.copyOf(keys);
        this.clock = clock;
        // Bouncy Castle's Ed25519 signs about four times faster than the JDK's; its key is prepared once here.
        for (SigningKey k : this.keys) {
            if (k.algorithm() == SigningKey.Algorithm.ED25519_SHA256) ed25519.put(k, ed25519Key(k));
        }
    }

    public List<SigningKey> keys() {
        return keys;
    }

    /** Starts signing one message; feed it the body, then finish with the header section. */
    public Signing begin() {
        return new Signing();
    }

    /** Signs a whole message in one call: the header fields and the body octets. */
    public List<String> sign(List<HeaderField> headers, byte[] body) {
        Signing s = begin();
        s.body(body, 0, body.length);
        return s.finish(headers);
    }

    /** One message being signed: the body streams through {@link #body}, then {@link #finish} signs. */
    public final class Signing {
        private final BodyCanonicalizer bodyHash = Canonicalization.RELAXED.body(sha256());
        private boolean finished;

        private Signing() {}

        public void body(byte[] b, int off, int len) {
            bodyHash.update(b, off, len);
        }

        /**
         * The {@code DKIM-Signature:} fields, one per key, each folded and ending in CRLF, to be prepended to the
         * header section ({@code headers}, the fields as they will be sent).
         */
        public List<String> finish(List<HeaderField> headers) {
            if (finished) throw new IllegalStateException("already finished");
            finished = true;
            String bh = Base64.getEncoder().encodeToString(bodyHash.finish());
            List<String> names = headerNames(headers);
            long now = clock.instant().getEpochSecond();
            List<String> fields = new ArrayList<>(keys.size());
            for (SigningKey key : keys) fields.add(signOne(key, ed25519.get(key), headers, names, bh, now));
            return List.copyOf(fields);
        }
    }

    private static String signOne(SigningKey key, Ed25519PrivateKeyParameters ed, List<HeaderField> headers,
            List<String> names, String bh, long now) {
        FoldedField f = new FoldedField("DKIM-Signature")
                .word("v=1;").word("a=" + key.algorithm().tag() + ";").word("c=relaxed/relaxed;")
                .word("d=" + key.domain() + ";").word("s=" + key.selector() + ";").word("t=" + now + ";");
        f.word("h=" + names.getFirst());
        for (int i = 1; i < names.size(); i++) f.continued(":" + names.get(i));
        f.glued(";").word("bh=").breakable(bh).glued(";").word("b=");
        byte[] data = SignedHeaders.data(headers, names, Canonicalization.RELAXED, f.text());
        byte[] b = ed != null ? signEd25519(ed, data) : sign(key, data);
        return f.breakable(Base64.getEncoder().encodeToString(b)).line();
    }

    static byte[] sign(SigningKey key, byte[] data) {
        if (key.algorithm() == SigningKey.Algorithm.ED25519_SHA256) return signEd25519(ed25519Key(key), data);
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key.privateKey());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key, e);
        }
    }

    // RFC 8463 §3: PureEdDSA (RFC 8032 Ed25519) over the SHA-256 hash of the data.
    private static byte[] signEd25519(Ed25519PrivateKeyParameters key, byte[] data) {
        byte[] hash = sha256().digest(data);
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        key.sign(Ed25519.Algorithm.Ed25519, null, hash, 0, hash.length, signature, 0);
        return signature;
    }

    /** The RFC 8032 seed is the end of the RFC 8410 PKCS#8 encoding. */
    private static Ed25519PrivateKeyParameters ed25519Key(SigningKey key) {
        byte[] pkcs8 = key.privateKey().getEncoded();
        return new Ed25519PrivateKeyParameters(java.util.Arrays.copyOfRange(pkcs8, 16, 48));
    }

    /** {@code h=}: the recommended fields present, and Resent-* and List-*, oversigned ones once more. */
    static List<String> headerNames(List<HeaderField> headers) {
        return headerNames(headers, false);
    }

    /**
     * As {@link #headerNames(List)}; with {@code dkimSignatures}, the DKIM-Signature fields present too (an ARC
     * message signature signs them, RFC 8617 §4.1.2).
     */
    public static List<String> headerNames(List<HeaderField> headers, boolean dkimSignatures) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String n : SIGNED) counts.put(n, 0);
        for (HeaderField h : headers) {
            String n = h.lowerName();
            if (counts.containsKey(n) || n.startsWith("resent-") || n.startsWith("list-")
                    || dkimSignatures && n.equals("dkim-signature")) {
                counts.merge(n, 1, Integer::sum);
            }
        }
        List<String> names = new ArrayList<>();
        counts.forEach((n, c) -> {
            int times = OVERSIGNED.contains(n) ? c + 1 : c;
            for (int i = 0; i < times; i++) names.add(n.toLowerCase(Locale.ROOT));
        });
        return names;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has SHA-256", e);
        }
    }
}
