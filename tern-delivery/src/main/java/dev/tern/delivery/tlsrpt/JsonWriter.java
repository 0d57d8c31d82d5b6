package dev.tern.delivery.tlsrpt;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes JSON text (RFC 8259) into a string: objects, arrays, strings and integers, which is all a TLS-RPT report
 * holds. Strings are escaped per RFC 8259 §7: {@code "} and {@code \}, and every control character below U+0020.
 * Misuse (a value where a name belongs, an unbalanced end) is a bug and throws {@link IllegalStateException}.
 */
final class JsonWriter {
    private enum Scope { OBJECT_NAME, OBJECT_VALUE, ARRAY }

    private final StringBuilder out = new StringBuilder();
    private final Deque<Scope> scopes = new ArrayDeque<>();
    private final Deque<Boolean> first = new ArrayDeque<>();
    private boolean done;

    JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        scopes.push(Scope.OBJECT_NAME);
        first.push(true);
        return this;
    }

    JsonWriter endObject() {
        if (scopes.peek() != Scope.OBJECT_NAME) throw new IllegalStateException("not at the end of an object");
        scopes.pop();
        first.pop();
        out.append('}');
        afterValue();
        return this;
    }

    JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        scopes.push(Scope.ARRAY);
        first.push(true);
        return this;
    }

    JsonWriter endArray() {
        if (scopes.peek() != Scope.ARRAY) throw new IllegalStateException("not in an array");
        scopes.pop();
        first.pop();
        out.append(']');
        afterValue();
        return this;
    }

    JsonWriter name(String name) {
        if (scopes.peek() != Scope.OBJECT_NAME) throw new IllegalStateException("a name outside an object");
        comma();
        quote(name);
        out.append(':');
        scopes.pop();
        scopes.push(Scope.OBJECT_VALUE);
        return this;
    }

    JsonWriter value(String value) {
        beforeValue();
        quote(value);
        afterValue();
        return this;
    }

    JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        afterValue();
        return this;
    }

    /** A name and its string value. */
    JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    /** A name and its integer value. */
    JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    /** The finished text; throws if an object or array is still open. */
    String text() {
        if (!scopes.isEmpty() || !done) throw new IllegalStateException("unfinished JSON");
        return out.toString();
    }

    private void beforeValue() {
        if (done) throw new IllegalStateException("one top-level value only");
        Scope scope = scopes.peek();
        if (scope == Scope.OBJECT_NAME) throw new IllegalStateException("a value where a name belongs");
        if (scope == Scope.ARRAY) comma();
    }

    private void afterValue() {
        if (scopes.isEmpty()) {
            done = true;
        } else if (scopes.peek() == Scope.OBJECT_VALUE) {
            scopes.pop();
            scopes.push(Scope.OBJECT_NAME);
        }
    }

    private void comma() {
        if (first.peek()) {
            first.pop();
            first.push(false);
        } else {
            out.append(',');
        }
    }

    private void quote(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\ufffd'); // a lone surrogate has no UTF-8 form: the replacement character
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
