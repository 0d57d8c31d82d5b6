package dev.tern.imap;

import dev.tern.store.MessageStructure;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.util.CharsetUtil;

/**
 * The searchable text of one message, decoded and case-folded when a key first needs it and kept for the
 * other keys of the same search: the top-level header fields (RFC 2047 decoded) and the body text.
 */
final class SearchText {
    private record HeaderField(String name, String folded) {}

    private final SearchMatcher.Candidate candidate;
    private byte[] content;
    private List<HeaderField> header;
    private String headerText;
    private String bodyText;

    SearchText(SearchMatcher.Candidate candidate) {
        this.candidate = candidate;
    }

    static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** HEADER name value: a field of that name whose decoded value holds it; an empty value matches any. */
    boolean header(String name, String value) {
        String needle = fold(value);
        for (HeaderField field : header()) {
            if (field.name().equalsIgnoreCase(name) && field.folded().contains(needle)) return true;
        }
        return false;
    }

    boolean body(String value) {
        return bodyText().contains(fold(value));
    }

    boolean text(String value) {
        String needle = fold(value);
        return headerText().contains(needle) || bodyText().contains(needle);
    }

    private byte[] content() {
        if (content == null) content = candidate.content();
        return content;
    }

    private List<HeaderField> header() {
        if (header == null) header = fields(content(), candidate.structure().body());
        return header;
    }

    /** The whole header as one folded text, one field a line: cheaper than the field list for TEXT. */
    private String headerText() {
        if (headerText == null) {
            MessageStructure.Part top = candidate.structure().body();
            int from = (int) Math.min(top.headerStart(), content().length);
            int to = (int) Math.min(top.bodyStart(), content().length);
            String raw = new String(content(), from, Math.max(0, to - from), StandardCharsets.UTF_8);
            StringBuilder b = new StringBuilder(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\r') continue;
                // RFC 5322 §2.2.3: a line break before white space is folding, not the end of the field.
                if (c == '\n' && i + 1 < raw.length() && (raw.charAt(i + 1) == ' ' || raw.charAt(i + 1) == '\t')) continue;
                b.append(c);
            }
            headerText = fold(decodeWords(b.toString()));
        }
        return headerText;
    }

    private String bodyText() {
        if (bodyText == null) {
            StringBuilder b = new StringBuilder();
            appendBody(b, candidate.structure().body());
            bodyText = fold(b.toString());
        }
        return bodyText;
    }

    private static List<HeaderField> fields(byte[] content, MessageStructure.Part message) {
        List<HeaderField> fields = new ArrayList<>();
        HeaderLines.forEach(content, (int) message.headerStart(), (int) message.bodyStart(), (name, start, end) -> {
            if (name == null) return;
            String line = new String(content, start, end - start, StandardCharsets.UTF_8);
            String value = line.substring(line.indexOf(':') + 1).replace("\r", "").replace("\n", "").strip();
            fields.add(new HeaderField(name, fold(decodeWords(value))));
        });
        return fields;
    }

    private static String decodeWords(String value) {
        if (!value.contains("=?")) return value;
        try {
            return DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
        } catch (IllegalArgumentException e) {
            return value; // an encoded word mime4j cannot read is searched as written
        }
    }

    /** Text parts, decoded; enclosed messages with their header fields. Nesting is bounded by the parser. */
    private void appendBody(StringBuilder b, MessageStructure.Part part) {
        if (part.isMultipart()) {
            for (MessageStructure.Part child : part.parts()) appendBody(b, child);
            return;
        }
        Optional<MessageStructure> enclosed = part.message();
        if (enclosed.isPresent()) {
            for (HeaderField f : fields(content(), enclosed.get().body())) b.append(f.name()).append(": ").append(f.folded()).append('\n');
            appendBody(b, enclosed.get().body());
            return;
        }
        if (!part.type().equals("text")) return;
        Charset charset = charset(part.parameters().get("charset"));
        String encoding = part.encoding();
        if (encoding.equals("7BIT") || encoding.equals("8BIT") || encoding.equals("BINARY")) {
            int from = (int) Math.min(part.bodyStart(), content().length);
            int to = (int) Math.min(part.end(), content().length);
            b.append(new String(content(), from, Math.max(0, to - from), charset)).append('\n');
            return;
        }
        byte[] raw = MessageData.slice(content(), part.bodyStart(), part.end());
        byte[] decoded = MessageData.decode(raw, encoding).orElse(raw);
        b.append(new String(decoded, charset)).append('\n');
    }

    /** The part's charset; US-ASCII, unknown and missing ones are read as UTF-8, which holds US-ASCII. */
    private static Charset charset(String name) {
        if (name == null || name.equalsIgnoreCase("utf-8") || name.equalsIgnoreCase("us-ascii")) return StandardCharsets.UTF_8;
        Charset charset = CharsetUtil.lookup(name.strip());
        return charset == null || charset.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : charset;
    }
}
