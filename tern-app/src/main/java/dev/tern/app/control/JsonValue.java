package dev.tern.app.control;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON value (RFC 8259) as the control channel's client reads it. Numbers keep their text; the channel
 * only sends integers, read with {@link Num#asLong()}.
 */
public sealed interface JsonValue {
    record Str(String value) implements JsonValue {
        public Str {
            if (value == null) throw new IllegalArgumentException("null string");
        }
    }

    record Num(String text) implements JsonValue {
        public Num {
            if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty number");
        }

        /** The value as a long, or empty when it has a fraction, an exponent or is out of range. */
        public Optional<Long> asLong() {
            try {
                return Optional.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return Optional.empty(); // not an integer: the caller treats the field as absent
            }
        }
    }

    record Bool(boolean value) implements JsonValue {}

    record Null() implements JsonValue {}

    record Arr(List<JsonValue> items) implements JsonValue {
        public Arr {
            items = List.copyOf(items);
        }
    }

    /** An object; member order is kept, a repeated name keeps its last value. */
    record Obj(Map<String, JsonValue> members) implements JsonValue {
        public Obj {
            if (members == null) throw new IllegalArgumentException("null members");
            members = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(members));
        }

        public String string(String name) {
            return members.get(name) instanceof Str s ? s.value() : "";
        }

        public long number(String name) {
            return members.get(name) instanceof Num n ? n.asLong().orElse(0L) : 0L;
        }

        public boolean bool(String name) {
            return members.get(name) instanceof Bool b && b.value();
        }

        public List<JsonValue> array(String name) {
            return members.get(name) instanceof Arr a ? a.items() : List.of();
        }

        public Optional<Obj> object(String name) {
            return members.get(name) instanceof Obj o ? Optional.of(o) : Optional.empty();
        }

        /** The array member {@code name}'s objects; other items are skipped. */
        public List<Obj> objects(String name) {
            return array(name).stream().filter(Obj.class::isInstance).map(Obj.class::cast).toList();
        }
    }
}
