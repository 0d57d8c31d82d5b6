package dev.tern.app.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads LF-terminated lines of UTF-8 from a stream, each at most a set length; a CR before the LF is dropped. */
final class LineReader {
    /** What a read found. */
    sealed interface Line {
        record Text(String text) implements Line {}

        /** The stream ended; {@code partial} when it ended inside a line. */
        record End(boolean partial) implements Line {}

        /** A line longer than the limit; the reader cannot go on. */
        record TooLong() implements Line {}
    }

    private final InputStream in;
    private final int maxLine;
    private final byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    private byte[] line = new byte[256];

    LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    Line next() throws IOException {
        int length = 0;
        while (true) {
            if (start == end) {
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) return new Line.End(length > 0);
                start = 0;
                end = n;
            }
            int lf = start;
            while (lf < end && buffer[lf] != '\n') lf++;
            int take = lf - start;
            if (length + take > maxLine) return new Line.TooLong();
            if (length + take > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, length + take));
            System.arraycopy(buffer, start, line, length, take);
            length += take;
            start = lf;
            if (lf < end) {
                start++; // past the LF
                if (length > 0 && line[length - 1] == '\r') length--;
                return new Line.Text(new String(line, 0, length, StandardCharsets.UTF_8));
            }
        }
    }
}
