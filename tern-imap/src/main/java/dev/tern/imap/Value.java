package dev.tern.imap;

import java.util.Arrays;
import java.util.List;

/**
 * One item of response data (RFC 9051 §7, §9 "response-data"), which {@link ResponseEncoder} writes in the form
 * the grammar wants: the session builds values and never formats text itself.
 */
public sealed interface Value {
    /** Protocol text written as is: keywords, flags ({@code \Seen}), {@code BODY[1.2]<0>}. No CR, LF or NUL. */
    record Atom(String text) implements Value {
        public Atom {
            if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty atom");
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c >= 0x7f) throw new IllegalArgumentException("control or 8-bit character in atom");
            }
        }
    }

    /** number / number64 / nz-number (RFC 9051 §9). */
    record Number(long value) implements Value {
        public Number {
            if (value < 0) throw new IllegalArgumentException("negative number");
        }
    }

    /** A {@code string}: quoted or literal, whichever the content allows (never an atom). */
    record Text(String text) implements Value {
        public Text {
            if (text == null) throw new IllegalArgumentException("null text; use Nil");
        }
    }

    /** An {@code astring}: an atom when the content is one, else a string (RFC 9051 §9). */
    record AString(String text) implements Value {
        public AString {
            if (text == null) throw new IllegalArgumentException("null astring");
        }
    }

    /** {@code NIL} of an {@code nstring}. */
    record Nil() implements Value {}

    /** Octets that go as a literal, {@code ~{n}} literal8 when {@code binary} (RFC 3516 §4.3): message content. */
    record Octets(byte[] octets, boolean binary) implements Value {
        public Octets {
            octets = octets.clone();
        }

        @Override
        public byte[] octets() {
            return octets.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Octets other && other.binary == binary && Arrays.equals(other.octets, octets);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(octets) * 31 + (binary ? 1 : 0);
        }

        @Override
        public String toString() {
            return "Octets[" + octets.length + (binary ? ", binary]" : "]");
        }
    }

    /** A mailbox name, in modified UTF-7 or UTF-8 as the session's {@link TextMode} says. */
    record Mailbox(MailboxName name) implements Value {
        public Mailbox {
            if (name == null) throw new IllegalArgumentException("null mailbox");
        }
    }

    /** A parenthesised list. */
    record ListOf(List<Value> items) implements Value {
        public ListOf {
            items = List.copyOf(items);
        }
    }

    static Value atom(String text) {
        return new Atom(text);
    }

    static Value number(long n) {
        return new Number(n);
    }

    static Value nstring(java.util.Optional<String> text) {
        return text.<Value>map(Text::new).orElseGet(Nil::new);
    }

    static Value list(Value... items) {
        return new ListOf(List.of(items));
    }
}
