package dev.tern.imap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes {@link Response}s as octets (RFC 9051 §7, grammar §9), choosing for each string the form its content
 * allows: an atom where the grammar takes an astring and the text is one (and not {@code NIL}); a quoted string
 * when it has no CR, LF or NUL, is at most {@value #MAX_QUOTED} octets and, in {@link TextMode#ASCII}, is
 * US-ASCII; a literal otherwise. NUL, which no string may hold (§4.3: CHAR8 excludes it), becomes U+FFFD.
 */
public final class ResponseEncoder {
    /** Longer strings go as literals, which are cheaper to read than long quoted ones. */
    public static final int MAX_QUOTED = 1024;
    /** RFC 9051 §7.5: the request to send a synchronizing literal. */
    public static final Response.Continuation CONTINUE_LITERAL = new Response.Continuation("Ready for literal data");

    private static final byte[] CRLF = {'\r', '\n'};

    private ResponseEncoder() {}

    public static byte[] encode(Response response, TextMode mode) {
        Built out = new Built(256);
        switch (response) {
            case Response.Tagged t -> {
                ascii(out, t.tag() + " " + t.status());
                respText(out, t.code(), t.text(), mode);
            }
            case Response.Condition c -> {
                ascii(out, "* " + c.status());
                respText(out, c.code(), c.text(), mode);
            }
            case Response.Data d -> {
                ascii(out, "*");
                for (Value v : d.items()) {
                    out.write(' ');
                    value(out, v, mode);
                }
            }
            case Response.Continuation c -> {
                ascii(out, "+ ");
                text(out, c.text(), mode);
            }
        }
        out.writeBytes(CRLF);
        return out.toByteArray();
    }

    public static String encodeToString(Response response, TextMode mode) {
        return new String(encode(response, mode), StandardCharsets.UTF_8);
    }

    private static void respText(Built out, Optional<ResponseCode> code, String text, TextMode mode) {
        if (code.isPresent()) {
            ascii(out, " [" + code.get().name());
            for (Value v : code.get().arguments()) {
                out.write(' ');
                value(out, v, mode);
            }
            out.write(']');
        }
        if (!text.isEmpty()) {
            out.write(' ');
            text(out, text, mode);
        }
    }

    /** resp-text: in ASCII mode non-ASCII characters become {@code ?}; ']' and '[' are fine after the code. */
    private static void text(Built out, String text, TextMode mode) {
        if (mode == TextMode.UTF8) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.write(c < 0x80 ? c : '?');
        }
    }

    private static void value(Built out, Value value, TextMode mode) {
        switch (value) {
            case Value.Atom a -> ascii(out, a.text());
            case Value.Number n -> ascii(out, Long.toString(n.value()));
            case Value.Text t -> string(out, t.text(), mode);
            case Value.AString a -> astring(out, a.text(), mode);
            case Value.Nil n -> ascii(out, "NIL");
            case Value.Octets o -> {
                byte[] octets = o.octets();
                ascii(out, (o.binary() ? "~{" : "{") + octets.length + "}");
                out.writeBytes(CRLF);
                out.writeBytes(octets);
            }
            case Value.Mailbox m -> astring(out, m.name().encode(mode), mode);
            case Value.ListOf l -> {
                out.write('(');
                List<Value> items = l.items();
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) out.write(' ');
                    value(out, items.get(i), mode);
                }
                out.write(')');
            }
        }
    }

    private static void astring(Built out, String text, TextMode mode) {
        if (!text.isEmpty() && !text.toUpperCase(Locale.ROOT).equals("NIL") && text.chars().allMatch(Lexer::isAstringChar)) {
            ascii(out, text);
        } else {
            string(out, text, mode);
        }
    }

    private static void string(Built out, String text, TextMode mode) {
        String clean = text.replace('\0', '\uFFFD');
        byte[] octets = clean.getBytes(StandardCharsets.UTF_8);
        boolean quotable = octets.length <= MAX_QUOTED && (mode == TextMode.UTF8 || octets.length == clean.length());
        for (int i = 0; quotable && i < octets.length; i++) {
            if (octets[i] == '\r' || octets[i] == '\n') quotable = false;
        }
        if (!quotable) {
            ascii(out, "{" + octets.length + "}");
            out.writeBytes(CRLF);
            out.writeBytes(octets);
            return;
        }
        out.write('"');
        for (byte b : octets) {
            if (b == '"' || b == '\\') out.write('\\');
            out.write(b);
        }
        out.write('"');
    }

    private static void ascii(Built out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The response being built: a growable array without ByteArrayOutputStream's lock per octet (a FETCH of
     * 10,000 messages writes a few hundred thousand of them).
     */
    private static final class Built {
        private byte[] bytes;
        private int size;

        Built(int capacity) {
            bytes = new byte[capacity];
        }

        void write(int b) {
            if (size == bytes.length) bytes = Arrays.copyOf(bytes, bytes.length * 2);
            bytes[size++] = (byte) b;
        }

        void writeBytes(byte[] more) {
            if (size + more.length > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more.length));
            System.arraycopy(more, 0, bytes, size, more.length);
            size += more.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }
}
