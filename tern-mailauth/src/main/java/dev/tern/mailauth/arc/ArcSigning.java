package dev.tern.mailauth.arc;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.dkim.Canonicalization;
import dev.tern.mailauth.dkim.SignedHeaders;
import dev.tern.mailauth.dkim.TagList;
import dev.tern.mailauth.dkim.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The signed data of ARC's two signatures and the JCA calls that sign and check it.
 *
 * <p>The AMS's signed data is DKIM's ({@link SignedHeaders}): the same header selection and {@code b=} removal.
 */
final class ArcSigning {
    private ArcSigning() {}

    /**
     * The AMS's signed data (RFC 8617 §4.1.2, as RFC 6376 §3.7 and §5.4.2): the fields named in {@code names},
     * each name taking the next instance from the bottom, then the signature field with {@code b=} emptied.
     */
    static byte[] messageSignatureData(List<HeaderField> headers, List<String> names, Canonicalization c,
            String signatureField) {
        return SignedHeaders.data(headers, names, c, signatureField);
    }

    /**
     * The AS's signed data (RFC 8617 §5.1.1): the sets' fields in increasing instance order, each set as
     * ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal, relaxed; the last seal is the one signed, with
     * {@code b=} emptied and no final CRLF.
     *
     * @param sets the sets before the one being sealed or checked (none for a {@code cv=fail} seal, §5.1.2)
     */
    static byte[] sealData(List<ArcSet> sets, HeaderField results, HeaderField messageSignature, String seal) {
        Canonicalization c = Canonicalization.RELAXED;
        StringBuilder data = new StringBuilder(4096);
        for (ArcSet s : sets) {
            data.append(c.header(s.authenticationResults())).append(c.header(s.messageSignature()))
                    .append(c.header(s.seal()));
        }
        data.append(c.header(results)).append(c.header(messageSignature));
        return withSelf(data, c, seal);
    }

    private static byte[] withSelf(StringBuilder data, Canonicalization c, String signatureField) {
        String self = c.header(signatureField);
        data.append(self, 0, self.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The field text (ISO-8859-1) with the value of its {@code b=} tag removed (RFC 6376 §3.7). */
    static String withoutB(String raw) {
        return SignedHeaders.withoutB(raw);
    }

    static byte[] sign(SigningKey key, byte[] data) {
        try {
            Signature s = signature(key.algorithm());
            s.initSign(key.privateKey());
            s.update(input(key.algorithm(), data));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key, e);
        }
    }

    /** Whether {@code b} is a good signature of {@code data}; a malformed signature value is a bad one. */
    static boolean verifies(SigningKey.Algorithm algorithm, PublicKey key, byte[] data, byte[] b) {
        try {
            Signature v = signature(algorithm);
            v.initVerify(key);
            v.update(input(algorithm, data));
            return v.verify(b);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static Signature signature(SigningKey.Algorithm algorithm) throws NoSuchAlgorithmException {
        return Signature.getInstance(algorithm == SigningKey.Algorithm.ED25519_SHA256 ? "Ed25519" : "SHA256withRSA");
    }

    // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the data.
    private static byte[] input(SigningKey.Algorithm algorithm, byte[] data) {
        return algorithm == SigningKey.Algorithm.ED25519_SHA256 ? sha256().digest(data) : data;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has SHA-256", e);
        }
    }

    /** Strips FWS (SP, HTAB, CR, LF) from both ends, as DKIM's tag lists do. */
    static String strip(String s) {
        return TagList.strip(s);
    }

    static String noWhiteSpace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) if (!isFws(s.charAt(i))) out.append(s.charAt(i));
        return out.toString();
    }

    /** The octets of base64 text, or null when it is not base64. */
    static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null; // not base64: the caller reports the field as invalid
        }
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
