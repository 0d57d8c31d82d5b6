package dev.tern.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Writes a {@link Response} in POP3's wire form (RFC 1939 §3): CRLF line ends, multi-line bodies dot-stuffed
 * (a line starting with {@code .} gets one more) and ended by {@code .CRLF}. A message is streamed through a
 * small buffer, never held whole. The caller flushes.
 *
 * <p>Content is normalised on the way: a bare LF or a bare CR becomes CRLF (RFC 1939 §3 allows no other line
 * end), and a last line without its line end gets one, so the terminating dot always stands on its own line.
 * The store gives CRLF content ({@code Folder.content}), where this changes nothing and the octets sent before
 * stuffing equal LIST's size.
 */
public final class ResponseEncoder {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END = {'.', '\r', '\n'};

    private ResponseEncoder() {}

    /** Writes {@code response}; a {@link Response.Message}'s stream is read to its end (or TOP's cut) and closed. */
    public static void write(Response response, OutputStream out) throws IOException {
        switch (response) {
            case Response.Ok(String text) -> line(out, "+OK" + (text.isEmpty() ? "" : " " + text));
            case Response.Err(var code, String text) ->
                    line(out, "-ERR " + code.map(c -> "[" + c.text() + "] ").orElse("") + text);
            case Response.Challenge(String base64) -> line(out, "+ " + base64);
            case Response.Lines(String text, var lines) -> {
                line(out, "+OK" + (text.isEmpty() ? "" : " " + text));
                for (String l : lines) line(out, l.startsWith(".") ? "." + l : l);
                out.write(END);
            }
            case Response.Message(String text, InputStream content, OptionalInt bodyLines) -> {
                line(out, "+OK" + (text.isEmpty() ? "" : " " + text));
                try (content) {
                    new Stuffer(out, bodyLines).copy(content);
                }
                out.write(END);
            }
        }
    }

    private static void line(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    /** The byte-by-byte state of one multi-line message body. */
    private static final class Stuffer {
        private final OutputStream out;
        private final boolean top;
        private int bodyLinesLeft;
        private boolean inBody;
        private boolean pendingCr;
        private long lineLength;

        Stuffer(OutputStream out, OptionalInt bodyLines) {
            this.out = out;
            this.top = bodyLines.isPresent();
            this.bodyLinesLeft = bodyLines.orElse(0);
        }

        void copy(InputStream content) throws IOException {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = content.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (!take(buffer[i])) return;
                }
            }
            if (pendingCr || lineLength > 0) endLine();
        }

        /** Handles one octet; false once TOP has sent all it should. */
        private boolean take(byte b) throws IOException {
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') return endLine();
                if (!endLine()) return false; // a bare CR ended a line
            }
            if (b == '\r') {
                pendingCr = true;
                return true;
            }
            if (b == '\n') return endLine(); // a bare LF
            // RFC 1939 §3: a line starting with the termination octet is byte-stuffed.
            if (lineLength == 0 && b == '.') out.write('.');
            out.write(b);
            lineLength++;
            return true;
        }

        /** Writes CRLF; false when TOP's count of body lines is reached. */
        private boolean endLine() throws IOException {
            out.write(CRLF);
            boolean empty = lineLength == 0;
            lineLength = 0;
            if (!top) return true;
            if (inBody) return --bodyLinesLeft > 0;
            // RFC 1939 §7 TOP: the headers, the empty line after them, then n lines of the body.
            if (empty) {
                inBody = true;
                return bodyLinesLeft > 0;
            }
            return true;
        }
    }
}
