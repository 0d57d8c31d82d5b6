package dev.tern.sasl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Strict UTF-8 for SASL fields (RFC 4616 §2, RFC 5802 §5.1): malformed input is a failed exchange. */
final class SaslText {
    private SaslText() {}

    static Optional<String> utf8(byte[] octets) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets)).toString());
        } catch (CharacterCodingException e) { // the client's malformed text: the caller fails the exchange
            return Optional.empty();
        }
    }

    /** A user name: not empty, at most 255 octets (RFC 4616 §2), no control characters (logs, headers). */
    static boolean isUsername(String name) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 255) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') return false;
        }
        return true;
    }

    /** A password: not empty, at most 255 octets (RFC 4616 §2), no NUL. */
    static boolean isPassword(String password) {
        return !password.isEmpty() && password.indexOf('\0') < 0
                && password.getBytes(StandardCharsets.UTF_8).length <= 255;
    }
}
