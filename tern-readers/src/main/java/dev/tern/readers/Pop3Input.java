package dev.tern.readers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads POP3 lines from a connection's stream, at most {@code maxOctets} with the line end. CRLF ends a line;
 * a bare LF is taken too (lenient, as most servers are). A longer line is skipped up to its end and reported as
 * {@link Line.TooLong}, so one bad line costs one {@code -ERR}, not the connection. Owns its buffer: after STLS
 * the loop drops this reader, and with it whatever the client sent ahead (RFC 2595 §4).
 */
final class Pop3Input {
    /** What one read gave. */
    sealed interface Line {
        record Text(byte[] octets) implements Line {}

        record TooLong() implements Line {}

        record End() implements Line {}
    }

    private final BufferedInputStream in;

    Pop3Input(InputStream in) {
        this.in = new BufferedInputStream(in, 4096);
    }

    /** Whether more input is already buffered (a pipelining client): the writer may hold its flush. */
    boolean hasBuffered() throws IOException {
        return in.available() > 0;
    }

    Line read(int maxOctets) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        boolean tooLong = false;
        while (true) {
            int b = in.read();
            if (b < 0) return new Line.End(); // a partial last line without its end is no command
            if (b == '\n') break;
            if (tooLong) continue;
            line.write(b);
            if (line.size() + 1 > maxOctets) tooLong = true; // with its LF (a CR is already counted)
        }
        if (tooLong) return new Line.TooLong();
        byte[] octets = line.toByteArray();
        int length = octets.length > 0 && octets[octets.length - 1] == '\r' ? octets.length - 1 : octets.length;
        return new Line.Text(java.util.Arrays.copyOf(octets, length));
    }
}
