package dev.tern.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.ByteSequence;

/**
 * The header fields of one entity that ENVELOPE and BODYSTRUCTURE report (the first of each name), and how
 * their values become {@link MessageStructure} data. Values are the raw octets as UTF-8 (8-bit header octets
 * that are not UTF-8 become U+FFFD), unfolded (RFC 5322 §2.2.3) and trimmed, never RFC 2047 decoded.
 */
final class MimeFields {
    private static final Set<String> KEPT = Set.of(
            "content-type", "content-id", "content-description", "content-md5", "content-disposition",
            "content-language", "content-location",
            "date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc", "in-reply-to", "message-id");

    /**
     * mime4j's address parser decodes encoded words in display names; ENVELOPE wants them raw (RFC 9051
     * §7.5.2), so "=?" is hidden behind a private-use character while it parses.
     */
    private static final String ENCODED_WORD = "=?";
    private static final String HIDDEN_ENCODED_WORD = "=\uE000?";

    private final Map<String, Field> fields = new HashMap<>();

    void add(Field field) {
        String name = field.getName().toLowerCase(Locale.ROOT);
        if (KEPT.contains(name)) fields.putIfAbsent(name, field);
    }

    /** The unfolded, trimmed value, or null when the field is absent. */
    String value(String name) {
        Field field = fields.get(name);
        if (field == null) return null;
        String raw = rawText(field);
        int colon = raw.indexOf(':');
        return unfold(colon < 0 ? "" : raw.substring(colon + 1)).strip();
    }

    private static String rawText(Field field) {
        ByteSequence raw = field.getRaw();
        if (raw == null) return field.getName() + ": " + field.getBody();
        return new String(raw.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String unfold(String s) {
        if (s.indexOf('\r') < 0 && s.indexOf('\n') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\r' && c != '\n') b.append(c);
        }
        return b.toString();
    }

    /**
     * Where a mime4j parser gave octets as ISO-8859-1 characters, the UTF-8 text they hold; text that is
     * already Unicode, or octets that are not UTF-8, stay as they are.
     */
    private static String utf8(String text) {
        if (text == null) return null;
        boolean high = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) return text;
            if (c >= 0x80) high = true;
        }
        if (!high) return text;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return text; // not UTF-8: the characters are the best reading there is
        }
    }

    /** A structured field's main value (lower-case) and parameters (names lower-case, first wins), or null. */
    private RawBody structured(String name) {
        Field field = fields.get(name);
        if (field == null) return null;
        RawField raw = field instanceof RawField r ? r : new RawField(field.getName(), field.getBody());
        return RawFieldParser.DEFAULT.parseRawBody(raw);
    }

    private static Map<String, String> parameters(RawBody body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (body == null) return parameters;
        for (NameValuePair pair : body.getParams()) {
            String name = pair.getName().strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) parameters.putIfAbsent(name, pair.getValue() == null ? "" : utf8(pair.getValue()));
        }
        return parameters;
    }

    static MessageStructure.Part part(MimeFields f, BodyDescriptor d, long headerStart, long bodyStart, long end,
                                      long lines, List<MessageStructure.Part> parts, Optional<MessageStructure> message) {
        String type = d == null ? "text" : d.getMediaType();
        String subtype = d == null ? "plain" : d.getSubType();
        RawBody contentType = f.structured("content-type");
        Map<String, String> parameters = new LinkedHashMap<>();
        // mime4j falls back to a default type for a missing or invalid Content-Type (RFC 2045 §5.2); the field's
        // parameters count only when it is the type that was taken.
        if (contentType != null && contentType.getValue() != null
                && contentType.getValue().strip().toLowerCase(Locale.ROOT).replace(" ", "").equals(type + "/" + subtype)) {
            parameters = parameters(contentType);
        }
        // RFC 2045 §5.2 and RFC 2046 §4.1.2: a text part without charset is US-ASCII.
        if (type.equals("text") && !parameters.containsKey("charset")) parameters.put("charset", "us-ascii");
        String encoding = d == null ? "7BIT" : d.getTransferEncoding().toUpperCase(Locale.ROOT);
        RawBody disposition = f.structured("content-disposition");
        String dispositionType = disposition == null || disposition.getValue() == null || disposition.getValue().isBlank()
                ? null : disposition.getValue().strip().toLowerCase(Locale.ROOT);
        return new MessageStructure.Part(type, subtype, parameters, f.value("content-id"), f.value("content-description"),
                encoding, f.value("content-md5"), dispositionType,
                dispositionType == null ? Map.of() : parameters(disposition), f.languages(), f.value("content-location"),
                headerStart, bodyStart, end, lines, parts, message);
    }

    /** Content-Language (RFC 3282 §2): comma-separated tags; comments dropped. */
    private List<String> languages() {
        String value = value("content-language");
        if (value == null) return List.of();
        String plain = value.replaceAll("\\([^)]*\\)", "");
        List<String> tags = new ArrayList<>();
        for (String tag : plain.split(",")) {
            if (!tag.isBlank()) tags.add(tag.strip());
        }
        return tags;
    }

    static MessageStructure.Envelope envelope(MimeFields f) {
        List<MessageStructure.Address> from = f.addresses("from");
        List<MessageStructure.Address> sender = f.addresses("sender");
        List<MessageStructure.Address> replyTo = f.addresses("reply-to");
        // RFC 9051 §7.5.2: absent or empty Sender and Reply-To are taken from From.
        return new MessageStructure.Envelope(f.value("date"), f.value("subject"), from,
                sender.isEmpty() ? from : sender, replyTo.isEmpty() ? from : replyTo,
                f.addresses("to"), f.addresses("cc"), f.addresses("bcc"), f.value("in-reply-to"), f.value("message-id"));
    }

    /** An address list as ENVELOPE shows it: groups as start and end entries (RFC 9051 §7.5.2). */
    private List<MessageStructure.Address> addresses(String name) {
        String value = value(name);
        if (value == null || value.isBlank()) return List.of();
        // Parsed as octets: the CharSequence form measures UTF-8 text in characters and cuts it short.
        byte[] octets = value.replace(ENCODED_WORD, HIDDEN_ENCODED_WORD).getBytes(StandardCharsets.UTF_8);
        ByteArrayBuffer buffer = new ByteArrayBuffer(octets.length);
        buffer.append(octets, 0, octets.length);
        AddressList parsed = LenientAddressParser.DEFAULT.parseAddressList(buffer, new ParserCursor(0, octets.length));
        List<MessageStructure.Address> addresses = new ArrayList<>();
        for (Address address : parsed) {
            switch (address) {
                case Mailbox m -> addresses.add(address(m));
                case Group g -> {
                    addresses.add(new MessageStructure.Address(null, null, text(g.getName()), null));
                    for (Mailbox m : g.getMailboxes()) addresses.add(address(m));
                    addresses.add(new MessageStructure.Address(null, null, null, null));
                }
                default -> { } // mime4j has no other kind of address
            }
        }
        return addresses;
    }

    /** A mailbox; a missing domain is an empty host, since a null host marks a group. */
    private static MessageStructure.Address address(Mailbox m) {
        String host = m.getDomain() == null ? "" : text(m.getDomain());
        return new MessageStructure.Address(text(m.getName()), null, text(m.getLocalPart()), host);
    }

    private static String text(String parsed) {
        if (parsed == null) return null;
        return utf8(parsed).replace(HIDDEN_ENCODED_WORD, ENCODED_WORD);
    }
}
