package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a server with a dialog written as in RFC 5321's examples:
 * <pre>
 * S: 220 *
 * C: EHLO client.test
 * S: 250*
 * </pre>
 * {@code C:} lines are sent with CRLF (several consecutive C: lines go in one write, as a pipelining client
 * does); each {@code S:} line must match the next reply line, where {@code *} matches any text. A reply line
 * {@code S: <closed>} expects the server to close the connection, and {@code S: <250 reply>} reads a whole
 * (multi-line) reply with that code, such as the answer to EHLO.
 */
public final class Transcript {
    private Transcript() {}

    public static void run(int port, String dialog) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            StringBuilder batch = new StringBuilder();
            for (String raw : dialog.strip().split("\n")) {
                String line = raw.strip();
                if (line.isEmpty()) continue;
                if (line.startsWith("C:")) {
                    batch.append(line.length() > 3 ? line.substring(3) : "").append("\r\n");
                    continue;
                }
                if (!batch.isEmpty()) {
                    out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    batch.setLength(0);
                }
                if (!line.startsWith("S:")) throw new IllegalArgumentException("transcript lines start with C: or S:");
                String expected = line.substring(2).strip();
                String actual = readLine(in);
                if (expected.matches("<\\d{3} reply>")) {
                    List<String> reply = readReply(in);
                    assertThat(reply).as("reply").isNotEmpty();
                    assertThat(reply).allSatisfy(l -> assertThat(l).startsWith(expected.substring(1, 4)));
                } else if (expected.equals("<closed>")) {
                    assertThat(actual).as("expected the server to close").isNull();
                } else {
                    assertThat(actual).as("reply line").isNotNull();
                    assertThat(matches(expected, actual)).as("reply '%s' matches '%s'", actual, expected).isTrue();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one CRLF-terminated line, or null at end of stream. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (c != '\r') line.write(c);
        }
        if (c < 0 && line.size() == 0) return null;
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Reads one whole (possibly multi-line) reply; its lines. */
    public static List<String> readReply(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine(in);
            if (line == null) break;
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    static boolean matches(String pattern, String text) {
        String regex = java.util.Arrays.stream(pattern.split("\\*", -1))
                .map(java.util.regex.Pattern::quote).reduce((a, b) -> a + ".*" + b).orElse("");
        return text.matches(regex);
    }
}
