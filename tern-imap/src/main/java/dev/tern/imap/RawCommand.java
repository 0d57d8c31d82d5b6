package dev.tern.imap;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One complete command as {@link CommandReader} collected it: the lines without their CRLF, and between them
 * the literals. Line {@code i} (for {@code i < literals.size()}) ends with the literal announcement
 * ({@code {n}}, {@code {n+}} or {@code ~{n}}) whose octets are {@code literals.get(i)}.
 */
public record RawCommand(List<byte[]> lines, List<byte[]> literals) {
    public RawCommand {
        lines = List.copyOf(lines);
        literals = List.copyOf(literals);
        if (lines.size() != literals.size() + 1) throw new IllegalArgumentException("one more line than literals");
    }

    /** A command without literals, for tests and for lines such as {@code DONE} or a SASL response. */
    public static RawCommand of(String line) {
        return new RawCommand(List.of(line.getBytes(StandardCharsets.UTF_8)), List.of());
    }

    /** The first line as text: what IDLE's {@code DONE} and an AUTHENTICATE response are read from. */
    public String firstLine() {
        return new String(lines.getFirst(), StandardCharsets.UTF_8);
    }

    /** Octets of line text and literals together. */
    public long octets() {
        long n = 0;
        for (byte[] l : lines) n += l.length;
        for (byte[] l : literals) n += l.length;
        return n;
    }
}
