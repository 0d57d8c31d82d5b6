package dev.tern.smtp;

import dev.tern.mail.EnhancedStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An SMTP reply (RFC 5321 §4.2): a three-digit code, an enhanced status code (RFC 2034, RFC 3463) and one or
 * more lines of text. Only the greeting and the EHLO reply go without an enhanced status (RFC 2034 §3).
 */
public record Reply(int code, EnhancedStatus status, List<String> lines) {
    public Reply {
        if (code < 200 || code > 599) throw new IllegalArgumentException("reply code out of range");
        lines = List.copyOf(lines);
        if (lines.isEmpty()) throw new IllegalArgumentException("a reply has at least one line");
        if (status != null && status.statusClass() != code / 100 && code / 100 != 3) {
            throw new IllegalArgumentException("enhanced status class must match the reply code");
        }
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) throw new IllegalArgumentException("CR/LF in reply text");
        }
    }

    public static Reply of(int code, String status, String text) {
        return new Reply(code, EnhancedStatus.parse(status), List.of(text));
    }

    /** A reply without an enhanced status: only for the 220 greeting, the EHLO reply and 334 AUTH challenges. */
    public static Reply plain(int code, List<String> lines) {
        return new Reply(code, null, lines);
    }

    public Optional<EnhancedStatus> enhanced() {
        return Optional.ofNullable(status);
    }

    public boolean isPositive() {
        return code < 400;
    }

    /** True for 4yz and 5yz replies. */
    public boolean isError() {
        return code >= 400;
    }

    /** The reply as it goes on the wire, every line ending in CRLF (RFC 5321 §4.2.1). */
    public String wire() {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) sb.append(status).append(' ');
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    public byte[] wireBytes() {
        return wire().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return wire().stripTrailing();
    }
}
