package dev.tern.mailauth.arc;

import dev.tern.mailauth.FoldedField;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.dkim.BodyCanonicalizer;
import dev.tern.mailauth.dkim.Canonicalization;
import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.mailauth.dkim.SigningKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Adds the next ARC Set to a message Tern relays (RFC 8617 §5.1), for aliases and lists that forward off-site.
 *
 * <p>One RSA key: RFC 8617 §4.1.3 registers only rsa-sha256 for ARC, and an ARC Set has one seal, so an Ed25519
 * seal would be unreadable to most validators. The ARC-Message-Signature is relaxed/relaxed with SHA-256 and
 * {@code t=}, over the fields a DKIM signer signs (RFC 6376 §5.4.1's set, oversigned as {@link DkimSigner}
 * does) and the DKIM-Signature fields present (§4.1.2's SHOULD); never ARC fields or Authentication-Results. The
 * ARC-Seal signs the chain so far and the new set (§5.1.1), or only the new set when the chain failed (§5.1.2).
 * Thread-safe; each {@link Sealing} belongs to one thread.
 */
public final class ArcSealer {
    /** RFC 6376 §5.4.1's recommended fields, in the order listed in {@code h=}; as {@link DkimSigner} signs. */
    static final List<String> SIGNED = List.of("from", "reply-to", "subject", "date", "to", "cc", "in-reply-to",
            "references", "message-id", "mime-version", "content-type", "content-transfer-encoding");

    private final SigningKey key;
    private final String authservId;
    private final Clock clock;

    /**
     * @param key an {@code rsa-sha256} key published at {@code selector._domainkey.domain}
     * @param authservId the authserv-id Tern writes in its Authentication-Results (RFC 8601 §2.5), our host name
     */
    public ArcSealer(SigningKey key, String authservId, Clock clock) {
        if (key.algorithm() != SigningKey.Algorithm.RSA_SHA256) {
            throw new IllegalArgumentException("ARC seals with rsa-sha256 (RFC 8617 §4.1.3), not " + key.algorithm()
                    .tag());
        }
        if (authservId.isBlank() || authservId.chars().anyMatch(c -> c <= ' ' || c == ';' || c == '(' || c > 126)) {
            throw new IllegalArgumentException("an authserv-id is one token");
        }
        this.key = key;
        this.authservId = authservId;
        this.clock = clock;
    }

    /** Starts sealing one message; feed it the body, then {@link Sealing#finish}. */
    public Sealing begin() {
        return new Sealing();
    }

    /** One message being sealed. */
    public final class Sealing {
        private final BodyCanonicalizer bodyHash = Canonicalization.RELAXED.body(ArcSigning.sha256());
        private boolean finished;

        private Sealing() {}

        public void body(byte[] b, int off, int len) {
            bodyHash.update(b, off, len);
        }

        /**
         * The new ARC Set for instance N+1: {@code ARC-Seal}, {@code ARC-Message-Signature} and
         * {@code ARC-Authentication-Results}, in that order, each folded and ending in CRLF, to be prepended (in this
         * order, top first) to the header section.
         *
         * <p>Empty, and nothing is to be added, when the newest seal already says {@code cv=fail} (§5.1 step 1: the
         * chain is over) or the chain has {@value ArcSets#MAX_INSTANCES} sets.
         *
         * @param headers the message's header fields as they will be sent, ARC Sets included
         * @param authResultsPayload this hop's results as in its Authentication-Results, after the authserv-id
         *     ({@code "spf=pass smtp.mailfrom=...; dkim=pass header.d=..."}; a leading {@code authserv-id;} is
         *     dropped); {@code verified}'s {@code arc=} entry is added when it has none
         * @param verified what {@link ArcVerifier} said of this message's chain on receipt; its status is the new
         *     seal's {@code cv=}
         * @throws IllegalArgumentException when {@code verified} cannot be this message's result ({@code none} with
         *     ARC Sets present, {@code pass} without a chain)
         */
        public List<String> finish(List<HeaderField> headers, String authResultsPayload, ArcResult verified) {
            if (finished) throw new IllegalStateException("already finished");
            finished = true;
            String bh = Base64.getEncoder().encodeToString(bodyHash.finish());
            int previous = ArcSets.highestInstance(headers);
            ArcSets.Collected collected = ArcSets.collect(headers);
            ChainValidation cv = switch (verified.status()) {
                case NONE -> ChainValidation.NONE;
                case PASS -> ChainValidation.PASS;
                case FAIL -> ChainValidation.FAIL;
            };
            List<ArcSet> chain = collected instanceof ArcSets.Collected.Chain c ? c.sets() : List.of();
            if (cv == ChainValidation.NONE && !(collected instanceof ArcSets.Collected.None)) {
                throw new IllegalArgumentException("the message has ARC fields, but the chain was said to be none");
            }
            if (cv == ChainValidation.PASS && chain.size() != verified.instances()) {
                throw new IllegalArgumentException("the chain that passed is not this message's");
            }
            // §5.1 step 1: a chain whose newest seal says cv=fail is not extended.
            if (!chain.isEmpty() && ArcSeal.parse(chain.getLast().seal()) instanceof Parsed.Ok<ArcSeal> last
                    && last.value().cv() == ChainValidation.FAIL) {
                return List.of();
            }
            int instance = previous + 1;
            if (instance > ArcSets.MAX_INSTANCES) return List.of();
            long now = clock.instant().getEpochSecond();
            HeaderField results = HeaderField.of(results(instance, authResultsPayload, verified));
            HeaderField signature = HeaderField.of(messageSignature(instance, headers, bh, now));
            // §5.1.2: sealing a failed chain signs only the new set, as if it were the only one.
            List<ArcSet> sealed = cv == ChainValidation.FAIL ? List.of() : chain;
            String seal = seal(instance, cv, now, sealed, results, signature);
            return List.of(seal, signature + "\r\n", results + "\r\n");
        }
    }

    /** RFC 8617 §4.1.1: {@code ARC-Authentication-Results: i=N; authserv-id; resinfo...}. */
    private String results(int instance, String payload, ArcResult verified) {
        // Folding may come with the payload (the value of an Authentication-Results field): unfold it.
        String p = payload.replace("\r\n", "").strip();
        if (p.toLowerCase(Locale.ROOT).startsWith(authservId.toLowerCase(Locale.ROOT) + ";")) {
            p = p.substring(authservId.length() + 1).strip();
        }
        boolean hasArc = false;
        for (String resinfo : p.split(";")) {
            if (resinfo.strip().toLowerCase(Locale.ROOT).startsWith("arc=")) hasArc = true;
        }
        if (!hasArc) p = p.isEmpty() || p.equalsIgnoreCase("none") ? verified.authResultsEntry()
                : p + (p.endsWith(";") ? " " : "; ") + verified.authResultsEntry();
        if (p.contains("\r") || p.contains("\n")) throw new IllegalArgumentException("the payload is one line");
        FoldedField f = new FoldedField(ArcSets.AAR).word("i=" + instance + ";").word(authservId + ";");
        for (String word : p.split("[ \t]+")) f.word(word);
        return f.text();
    }

    private String messageSignature(int instance, List<HeaderField> headers, String bh, long now) {
        List<String> names = headerNames(headers);
        FoldedField f = new FoldedField(ArcSets.AMS).word("i=" + instance + ";").word("a=rsa-sha256;")
                .word("c=relaxed/relaxed;").word("d=" + key.domain() + ";").word("s=" + key.selector() + ";")
                .word("t=" + now + ";");
        f.word("h=" + names.getFirst());
        for (int i = 1; i < names.size(); i++) f.continued(":" + names.get(i));
        f.glued(";").word("bh=").breakable(bh).glued(";").word("b=");
        byte[] data = ArcSigning.messageSignatureData(headers, names, Canonicalization.RELAXED, f.text());
        return f.breakable(Base64.getEncoder().encodeToString(ArcSigning.sign(key, data))).text();
    }

    private String seal(int instance, ChainValidation cv, long now, List<ArcSet> chain, HeaderField results,
            HeaderField signature) {
        FoldedField f = new FoldedField(ArcSets.AS).word("i=" + instance + ";").word("a=rsa-sha256;")
                .word("t=" + now + ";").word("cv=" + cv.tag() + ";").word("d=" + key.domain() + ";")
                .word("s=" + key.selector() + ";").word("b=");
        byte[] data = ArcSigning.sealData(chain, results, signature, f.text());
        return f.breakable(Base64.getEncoder().encodeToString(ArcSigning.sign(key, data))).line();
    }

    /** {@code h=} of our message signature: what a DKIM signer signs, and the DKIM-Signature fields (§4.1.2). */
    static List<String> headerNames(List<HeaderField> headers) {
        return DkimSigner.headerNames(headers, true);
    }
}
