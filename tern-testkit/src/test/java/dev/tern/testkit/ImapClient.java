package dev.tern.testkit;

import dev.tern.testbase.TrustAll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A bare IMAP client over implicit TLS for wire tests: sends a tagged command and collects the lines up to its
 * tagged reply (a literal's content arrives as lines too). Trusts any certificate: trust is not under test.
 */
final class ImapClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tags;

    ImapClient(int imapsPort) throws Exception {
        SSLContext context = TrustAll.context();
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", imapsPort);
        tls.setSoTimeout(15_000);
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
        String greeting = line();
        if (!greeting.startsWith("* OK")) throw new IOException("greeting: " + greeting);
    }

    /** Sends {@code command} with a fresh tag; returns every line through the tagged reply. */
    List<String> ask(String command) throws IOException {
        String tag = "t" + (++tags);
        send(tag + " " + command);
        return until(tag);
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Lines up to and including the one starting with {@code tag + " "}. */
    List<String> until(String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            lines.add(line);
            if (line.startsWith(tag + " ")) return lines;
        }
    }

    /** The tag the next {@link #ask} will use: for commands answered later (IDLE). */
    String nextTag() {
        return "t" + (tags + 1);
    }

    String startIdle() throws IOException {
        String tag = "t" + (++tags);
        send(tag + " IDLE");
        String line = line();
        if (!line.startsWith("+")) throw new IOException("IDLE: " + line);
        return tag;
    }

    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') break;
            if (c != '\r') line.write(c);
        }
        if (c == -1 && line.size() == 0) throw new IOException("connection closed");
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
