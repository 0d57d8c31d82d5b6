package dev.tern.app.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON text (RFC 8259) for the control channel: {@link #quote} writes a string, {@link #parse} reads one
 * value. Tern's JSON is small and flat, so this stays a few dozen lines instead of a library.
 */
public final class Json {
    /** Deeper nesting than the channel ever sends is refused, so a hostile line cannot exhaust the stack. */
    static final int MAX_DEPTH = 16;

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** Appends {@code value} as a JSON string (RFC 8259 §7): quotes, backslashes and controls escaped. */
    public static StringBuilder quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // Controls, and the line and paragraph separators some JSON readers take as line ends.
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** The value {@code text} holds, or empty when it is not exactly one well-formed JSON value. */
    public static Optional<JsonValue> parse(String text) {
        Json parser = new Json(text);
        try {
            JsonValue value = parser.value(0);
            parser.space();
            return parser.at == text.length() ? Optional.of(value) : Optional.empty();
        } catch (Malformed e) {
            return Optional.empty();
        }
    }

    /** Thrown inside the parser only; {@link #parse} turns it into an empty result. */
    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }

    private JsonValue value(int depth) throws Malformed {
        if (depth > MAX_DEPTH) throw new Malformed();
        space();
        if (at >= text.length()) throw new Malformed();
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> new JsonValue.Str(string());
            case 't' -> literal("true", new JsonValue.Bool(true));
            case 'f' -> literal("false", new JsonValue.Bool(false));
            case 'n' -> literal("null", new JsonValue.Null());
            default -> number();
        };
    }

    private JsonValue object(int depth) throws Malformed {
        at++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            at++;
            return new JsonValue.Obj(members);
        }
        while (true) {
            space();
            if (peek() != '"') throw new Malformed();
            String name = string();
            space();
            expect(':');
            members.put(name, value(depth + 1));
            space();
            char c = next();
            if (c == '}') return new JsonValue.Obj(members);
            if (c != ',') throw new Malformed();
        }
    }

    private JsonValue array(int depth) throws Malformed {
        at++;
        List<JsonValue> items = new ArrayList<>();
        space();
        if (peek() == ']') {
            at++;
            return new JsonValue.Arr(items);
        }
        while (true) {
            items.add(value(depth + 1));
            space();
            char c = next();
            if (c == ']') return new JsonValue.Arr(items);
            if (c != ',') throw new Malformed();
        }
    }

    private String string() throws Malformed {
        at++; // the opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') return out.toString();
            if (c < 0x20) throw new Malformed(); // RFC 8259 §7: controls must be escaped
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) throw new Malformed();
                    try {
                        out.append((char) Integer.parseInt(text, at, at + 4, 16));
                    } catch (NumberFormatException x) {
                        throw new Malformed();
                    }
                    at += 4;
                }
                default -> throw new Malformed();
            }
        }
    }

    // RFC 8259 §6: -? int frac? exp?
    private JsonValue number() throws Malformed {
        int start = at;
        if (peek() == '-') at++;
        if (peek() == '0') {
            at++;
        } else if (!digits()) {
            throw new Malformed();
        }
        if (peek() == '.') {
            at++;
            if (!digits()) throw new Malformed();
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') at++;
            if (!digits()) throw new Malformed();
        }
        return new JsonValue.Num(text.substring(start, at));
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
        return at > start;
    }

    private JsonValue literal(String word, JsonValue value) throws Malformed {
        if (!text.startsWith(word, at)) throw new Malformed();
        at += word.length();
        return value;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private char next() throws Malformed {
        if (at >= text.length()) throw new Malformed();
        return text.charAt(at++);
    }

    private void expect(char c) throws Malformed {
        if (next() != c) throw new Malformed();
    }
}
