package dev.tern.imap;

import dev.tern.store.MessageStructure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/**
 * FETCH data built from a message's structure and content (RFC 9051 §7.5.2, RFC 3516).
 *
 * <p>Case: media types, subtypes, parameter names, the disposition type and the encoding are written upper-case,
 * as RFC 9051's examples do ({@code ("TEXT" "PLAIN" ("CHARSET" "us-ascii") ...)}); parameter values and every
 * other string as the message has them. A multipart without parts (a missing or unmatched boundary, or nesting
 * past the parser's bound) gets one empty text/plain child, as Dovecot answers, since {@code body-type-mpart}
 * needs at least one body.
 */
public final class MessageData {
    private MessageData() {}

    /** ENVELOPE (RFC 9051 §7.5.2): date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id. */
    public static Value envelope(MessageStructure.Envelope envelope) {
        return Value.list(nstring(envelope.date()), nstring(envelope.subject()), addresses(envelope.from()),
                addresses(envelope.sender()), addresses(envelope.replyTo()), addresses(envelope.to()),
                addresses(envelope.cc()), addresses(envelope.bcc()), nstring(envelope.inReplyTo()),
                nstring(envelope.messageId()));
    }

    /** BODYSTRUCTURE ({@code extensible}) or BODY (not). */
    public static Value bodyStructure(MessageStructure.Part part, boolean extensible) {
        return part.isMultipart() ? multipart(part, extensible) : single(part, extensible);
    }

    /**
     * The octets {@code BODY[section]} names, before any {@code <partial>}; empty octets when the part does not
     * exist (RFC 9051 §6.4.5).
     */
    public static byte[] section(byte[] content, MessageStructure structure, FetchItem.Section section) {
        MessageStructure message = structure;
        MessageStructure.Part part = structure.body();
        if (!section.part().isEmpty()) {
            Optional<MessageStructure.Part> found = Sections.find(structure, section.part());
            if (found.isEmpty()) return new byte[0];
            part = found.get();
            message = part.message().orElse(null);
        }
        return switch (section.text()) {
            case ALL -> section.part().isEmpty() ? content.clone() : slice(content, part.bodyStart(), part.end());
            case MIME -> slice(content, part.headerStart(), part.bodyStart());
            // §6.4.5: HEADER and TEXT after a part number refer to a message/rfc822 or message/global part.
            case HEADER -> message == null ? new byte[0]
                    : slice(content, message.body().headerStart(), message.body().bodyStart());
            case TEXT -> message == null ? new byte[0] : slice(content, message.body().bodyStart(), message.body().end());
            case HEADER_FIELDS, HEADER_FIELDS_NOT -> message == null ? new byte[0]
                    : Sections.headerFields(content, message.body(), section.fields(),
                            section.text() == FetchItem.SectionText.HEADER_FIELDS);
        };
    }

    /**
     * {@code BINARY[part]}: the part's body with its Content-Transfer-Encoding undone; empty when the encoding is
     * unknown (the session answers {@code NO [UNKNOWN-CTE]}, RFC 3516 §4.3).
     */
    public static Optional<byte[]> binary(byte[] content, MessageStructure structure, List<Integer> part) {
        if (part.isEmpty()) return Optional.of(content.clone());
        Optional<MessageStructure.Part> found = Sections.find(structure, part);
        if (found.isEmpty()) return Optional.of(new byte[0]);
        MessageStructure.Part p = found.get();
        byte[] body = slice(content, p.bodyStart(), p.end());
        if (p.isMultipart() || p.message().isPresent()) return Optional.of(body);
        return decode(body, p.encoding());
    }

    /** A body with {@code encoding} undone, through mime4j's decoders; empty for an encoding nobody knows. */
    static Optional<byte[]> decode(byte[] body, String encoding) {
        switch (encoding.toUpperCase(Locale.ROOT)) {
            case "7BIT", "8BIT", "BINARY" -> {
                return Optional.of(body);
            }
            case "BASE64" -> {
                return Optional.of(readAll(new Base64InputStream(new ByteArrayInputStream(body), DecodeMonitor.SILENT)));
            }
            case "QUOTED-PRINTABLE" -> {
                return Optional.of(readAll(new QuotedPrintableInputStream(new ByteArrayInputStream(body), DecodeMonitor.SILENT)));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            // In-memory streams do not fail; mime4j's lenient decoders skip bad input instead of throwing.
            throw new UncheckedIOException(e);
        }
    }

    static byte[] slice(byte[] content, long from, long to) {
        int a = (int) Math.min(Math.max(0, from), content.length);
        int b = (int) Math.min(Math.max(a, to), content.length);
        return Arrays.copyOfRange(content, a, b);
    }

    // --- BODYSTRUCTURE (RFC 9051 §7.5.2 and §9 "body") ---

    private static Value multipart(MessageStructure.Part part, boolean extensible) {
        List<Value> items = new ArrayList<>();
        if (part.parts().isEmpty()) {
            items.add(emptyText(extensible));
        } else {
            for (MessageStructure.Part child : part.parts()) items.add(bodyStructure(child, extensible));
        }
        items.add(new Value.Text(upper(part.subtype())));
        if (extensible) {
            // body-ext-mpart: parameters, disposition, language, location.
            items.add(parameters(part.parameters()));
            items.add(disposition(part));
            items.add(language(part.language()));
            items.add(nstring(part.location()));
        }
        return new Value.ListOf(items);
    }

    private static Value single(MessageStructure.Part part, boolean extensible) {
        List<Value> items = new ArrayList<>();
        items.add(new Value.Text(upper(part.type())));
        items.add(new Value.Text(upper(part.subtype())));
        // body-fields: parameters, id, description, encoding, size.
        items.add(parameters(part.parameters()));
        items.add(nstring(part.id()));
        items.add(nstring(part.description()));
        items.add(new Value.Text(upper(part.encoding())));
        items.add(Value.number(part.size()));
        if (part.message().isPresent()) {
            // body-type-msg: envelope, body, lines.
            MessageStructure enclosed = part.message().get();
            items.add(envelope(enclosed.envelope()));
            items.add(bodyStructure(enclosed.body(), extensible));
            items.add(Value.number(part.lines()));
        } else if (part.type().equals("text")) {
            items.add(Value.number(part.lines()));
        }
        if (extensible) {
            // body-ext-1part: md5, disposition, language, location.
            items.add(nstring(part.md5()));
            items.add(disposition(part));
            items.add(language(part.language()));
            items.add(nstring(part.location()));
        }
        return new Value.ListOf(items);
    }

    private static Value emptyText(boolean extensible) {
        List<Value> items = new ArrayList<>(List.of(new Value.Text("TEXT"), new Value.Text("PLAIN"),
                Value.list(new Value.Text("CHARSET"), new Value.Text("us-ascii")), new Value.Nil(), new Value.Nil(),
                new Value.Text("7BIT"), Value.number(0), Value.number(0)));
        if (extensible) items.addAll(List.of(new Value.Nil(), new Value.Nil(), new Value.Nil(), new Value.Nil()));
        return new Value.ListOf(items);
    }

    private static Value parameters(Map<String, String> parameters) {
        if (parameters.isEmpty()) return new Value.Nil();
        List<Value> items = new ArrayList<>();
        parameters.forEach((name, value) -> {
            items.add(new Value.Text(upper(name)));
            items.add(new Value.Text(value));
        });
        return new Value.ListOf(items);
    }

    private static Value disposition(MessageStructure.Part part) {
        if (part.disposition() == null) return new Value.Nil();
        return Value.list(new Value.Text(upper(part.disposition())), parameters(part.dispositionParameters()));
    }

    /** body-fld-lang: NIL, or a list of the tags (a list is always allowed, also for one tag). */
    private static Value language(List<String> tags) {
        if (tags.isEmpty()) return new Value.Nil();
        return new Value.ListOf(tags.stream().<Value>map(Value.Text::new).toList());
    }

    // --- ENVELOPE ---

    private static Value addresses(List<MessageStructure.Address> addresses) {
        if (addresses.isEmpty()) return new Value.Nil();
        List<Value> items = new ArrayList<>(addresses.size());
        for (MessageStructure.Address a : addresses) {
            items.add(Value.list(nstring(a.name()), nstring(a.adl()), nstring(a.mailbox()), nstring(a.host())));
        }
        return new Value.ListOf(items);
    }

    private static Value nstring(String text) {
        return text == null ? new Value.Nil() : new Value.Text(text);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
