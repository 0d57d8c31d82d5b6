package dev.tern.pop3;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the server sends for one command (RFC 1939 §3): a status line, and for some commands a multi-line body
 * ended by a line holding only {@code .}; or a SASL challenge (RFC 5034 §4). Texts are ours, never the client's.
 * {@link ResponseEncoder} writes them.
 */
public sealed interface Response {
    /** {@code +OK text}. */
    record Ok(String text) implements Response {
        public Ok {
            checkText(text);
        }
    }

    /** {@code -ERR [code] text}. */
    record Err(Optional<ResponseCode> code, String text) implements Response {
        public Err {
            if (code == null) throw new IllegalArgumentException("null code");
            checkText(text);
        }

        public Err(String text) {
            this(Optional.empty(), text);
        }

        public Err(ResponseCode code, String text) {
            this(Optional.of(code), text);
        }
    }

    /** {@code +OK text}, then each line (dot-stuffed), then {@code .}: CAPA, LIST, UIDL. */
    record Lines(String text, List<String> lines) implements Response {
        public Lines {
            checkText(text);
            lines = List.copyOf(lines);
            for (String line : lines) checkText(line);
        }
    }

    /**
     * {@code +OK text}, then a message (RETR) or its headers and first {@code bodyLines} body lines (TOP),
     * dot-stuffed, then {@code .}. The content is streamed from {@code content}, which the writer closes.
     */
    record Message(String text, InputStream content, OptionalInt bodyLines) implements Response {
        public Message {
            checkText(text);
            if (content == null || bodyLines == null) throw new IllegalArgumentException("incomplete message response");
        }

        @Override
        public String toString() {
            return "Message[" + text + (bodyLines.isPresent() ? ", top " + bodyLines.getAsInt() : "") + "]";
        }
    }

    /** RFC 5034 §4: {@code + base64}, possibly empty. */
    record Challenge(String base64) implements Response {
        public Challenge {
            if (base64 == null) throw new IllegalArgumentException("null challenge");
            checkText(base64);
        }
    }

    private static void checkText(String text) {
        if (text == null) throw new IllegalArgumentException("null text");
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\r' || text.charAt(i) == '\n') throw new IllegalArgumentException("line break in response");
        }
    }
}
