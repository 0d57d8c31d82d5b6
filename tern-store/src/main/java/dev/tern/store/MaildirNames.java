package dev.tern.store;

import dev.tern.mail.Mailbox;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The Maildir naming rules (layout version 1, documented in {@code docs/maildir.md}).
 *
 * <p>A mailbox lives at {@code <root>/<encode(domain)>/<encode(localPart)>/}. {@link #encode} keeps the
 * bytes {@code [a-z0-9_+]}, and {@code .} and {@code -} except as the first byte, and writes every other
 * UTF-8 byte as {@code %XX} (upper-case hex), {@code %} included. So an encoded name is never empty,
 * {@code .} or {@code ..}, never holds a separator, and never starts with a dot or a dash; distinct names
 * give distinct encodings (even on a case-insensitive file system, since upper-case letters are always
 * escaped), and {@link #decode} gives the name back.
 */
public final class MaildirNames {
    /** Tern's delivery ids: letters and digits, short enough for a file name. */
    private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MaildirNames() {}

    /** The mailbox directory of {@code user} under {@code root}; always a direct grandchild of root. */
    public static Path directory(Path root, Mailbox user) {
        return root.resolve(encode(user.domain().name())).resolve(encode(user.localPart()));
    }

    /**
     * Encodes a local part or domain as one safe file name (see the class comment).
     *
     * @throws IllegalArgumentException when {@code name} is empty or not well-formed UTF-16
     */
    public static String encode(String name) {
        if (name.isEmpty()) throw new IllegalArgumentException("empty name");
        byte[] bytes = utf8(name);
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (isKept(b, i == 0)) {
                sb.append((char) b);
            } else {
                sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return sb.toString();
    }

    /**
     * The name {@link #encode} was given.
     *
     * @throws IllegalArgumentException when {@code encoded} is not something {@link #encode} returns
     */
    public static String decode(String encoded) {
        byte[] bytes = new byte[encoded.length()];
        int n = 0;
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length() && isHex(encoded.charAt(i + 1)) && isHex(encoded.charAt(i + 2))) {
                bytes[n++] = (byte) Integer.parseInt(encoded, i + 1, i + 3, 16);
                i += 2;
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else {
                throw new IllegalArgumentException("not an encoded name: " + encoded);
            }
        }
        String name = new String(bytes, 0, n, StandardCharsets.UTF_8);
        // Only encode's own output survives the round trip: lower-case hex, a kept '%', bad UTF-8 all fail here.
        if (name.isEmpty() || !encode(name).equals(encoded)) {
            throw new IllegalArgumentException("not an encoded name: " + encoded);
        }
        return name;
    }

    /** {@code <epochSeconds>.<deliveryId>.<hostname>}: maildir.txt's unique name, with Tern's id in the middle. */
    static String uniqueName(long epochSeconds, String deliveryId, String hostname) {
        requireDeliveryId(deliveryId);
        return epochSeconds + "." + deliveryId + "." + hostname;
    }

    /**
     * The name a delivered file takes in {@code new/}: its unique name with Dovecot's {@code ,W=<size>} field, the
     * message's size with CRLF line endings (RFC822.SIZE), so indexing it needs no read of the file.
     */
    static String withCrlfSize(String unique, long crlfSize) {
        if (crlfSize < 0) throw new IllegalArgumentException("negative size");
        return unique + ",W=" + crlfSize;
    }

    /** The {@code ,W=<size>} field of a file name (Tern's or Dovecot's), if it has one. */
    static OptionalLong crlfSize(String fileName) {
        int info = fileName.indexOf(':');
        String unique = info < 0 ? fileName : fileName.substring(0, info);
        int at = unique.indexOf(",W=");
        if (at < 0) return OptionalLong.empty();
        int end = at + 3;
        while (end < unique.length() && Character.isDigit(unique.charAt(end))) end++;
        if (end == at + 3 || end - at - 3 > 18 || (end < unique.length() && unique.charAt(end) != ',')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(unique, at + 3, end, 10));
    }

    /** The delivery id in a unique name (or a {@code cur/} file name with its {@code :2,} info), if any. */
    static Optional<String> deliveryId(String fileName) {
        int info = fileName.indexOf(':');
        String unique = info < 0 ? fileName : fileName.substring(0, info);
        int first = unique.indexOf('.');
        int second = first < 0 ? -1 : unique.indexOf('.', first + 1);
        if (second < 0) return Optional.empty();
        String id = unique.substring(first + 1, second);
        return DELIVERY_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    static void requireDeliveryId(String deliveryId) {
        if (deliveryId == null || !DELIVERY_ID.matcher(deliveryId).matches()) {
            throw new IllegalArgumentException("delivery id must be 1 to 64 letters and digits");
        }
    }

    private static boolean isKept(int b, boolean first) {
        if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '+') return true;
        // A leading dot would hide the file or make "." and ".."; a leading dash reads as an option to tools.
        return !first && (b == '.' || b == '-');
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    private static byte[] utf8(String name) {
        try {
            ByteBuffer buffer = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(name));
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            // String.getBytes would turn a lone surrogate into '?', and two names into one directory.
            throw new IllegalArgumentException("name is not well-formed Unicode");
        }
    }
}
