package dev.tern.smtp.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the client session wants done: lines to write (without CRLF, possibly none; several make one
 * pipelined batch to write in one go), then {@code next}. The session never touches a socket.
 */
public record ClientStep(List<String> lines, ClientNext next) {
    public ClientStep {
        lines = List.copyOf(lines);
        if (next == null) throw new IllegalArgumentException("no next");
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) throw new IllegalArgumentException("CR/LF in a command line");
        }
    }

    static ClientStep of(ClientNext next, String... lines) {
        return new ClientStep(List.of(lines), next);
    }

    /** The lines as they go on the wire, each ending in CRLF, UTF-8 (RFC 6531 §3.3 for SMTPUTF8 addresses). */
    public byte[] wireBytes() {
        StringBuilder sb = new StringBuilder(64 * lines.size());
        for (String line : lines) sb.append(line).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The lines for a transcript log: an AUTH line's credentials replaced by {@code <redacted>} (STYLE: logging). */
    public List<String> transcript() {
        return lines.stream().map(ClientStep::redacted).toList();
    }

    private static String redacted(String line) {
        if (!line.regionMatches(true, 0, "AUTH ", 0, 5)) return line;
        int space = line.indexOf(' ', 5);
        return space < 0 ? line : line.substring(0, space) + " <redacted>";
    }
}
