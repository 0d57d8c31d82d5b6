package dev.tern.delivery.dsn;

import dev.tern.smtp.Reply;
import java.util.regex.Pattern;

/**
 * The {@code Diagnostic-Code} of one recipient (RFC 3464 §2.3.6): a diagnostic type and the text, e.g.
 * {@code smtp; 550 5.1.1 No such user}. {@link #NONE} when there is nothing to quote.
 *
 * @param type {@code smtp} for a reply an SMTP server gave (RFC 3464 §9.2), {@code x-tern} for what Tern's own
 *             delivery said; empty only in {@link #NONE}
 * @param text the reply or explanation on one line; line breaks become spaces
 */
public record DiagnosticCode(String type, String text) {
    // RFC 3464 §2.3.6: diagnostic-type = atom; an RFC 5322 atom without the characters that never occur in one.
    private static final Pattern ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+");

    public static final DiagnosticCode NONE = new DiagnosticCode("", "");

    public DiagnosticCode {
        if (type == null || text == null) throw new IllegalArgumentException("null diagnostic");
        if (type.isEmpty() != text.isBlank()) throw new IllegalArgumentException("a diagnostic has both type and text");
        if (!type.isEmpty() && !ATOM.matcher(type).matches()) throw new IllegalArgumentException("diagnostic type is an atom");
        text = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    /** The reply text of an SMTP server, e.g. {@code 550 5.1.1 No such user}. */
    public static DiagnosticCode smtp(String replyText) {
        return new DiagnosticCode("smtp", replyText);
    }

    /** An SMTP reply, its lines joined with spaces, each line keeping its code and enhanced status. */
    public static DiagnosticCode smtp(Reply reply) {
        return smtp(String.join(" ", reply.toString().split("\r\n")));
    }

    /** What Tern's own delivery found, e.g. a mailbox that could not be written. */
    public static DiagnosticCode local(String text) {
        return new DiagnosticCode("x-tern", text);
    }

    public boolean isPresent() {
        return !type.isEmpty();
    }
}
