package dev.tern.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small receiving SMTP server for the outbound TLS tests: offers STARTTLS with a chosen certificate (or not, to
 * play the downgrade), REQUIRETLS after TLS when asked (RFC 8689 §2), takes every transaction with 250 and records
 * the commands and messages. One command at a time (no PIPELINING). Owns a virtual thread for accepting and one per
 * connection, until closed.
 */
final class TlsReceiver implements AutoCloseable {
    private final ServerSocket listener;
    private final SSLContext tls;
    private final boolean requireTls;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final Semaphore received = new Semaphore(0);
    private volatile int handshakes;

    /** @param tls the certificate to present after STARTTLS; null: STARTTLS is not offered */
    TlsReceiver(InetSocketAddress address, SSLContext tls, boolean requireTls) throws IOException {
        this.listener = new ServerSocket();
        listener.bind(address);
        this.tls = tls;
        this.requireTls = requireTls;
        Thread.ofVirtual().name("tls-receiver-accept").start(this::accept);
    }

    List<String> commands() {
        return List.copyOf(commands);
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    int connections() {
        return connections.size();
    }

    int handshakes() {
        return handshakes;
    }

    /** Waits (bounded) for {@code count} messages; whether they came. */
    boolean awaitMessages(int count, Duration timeout) throws InterruptedException {
        if (!received.tryAcquire(count, timeout.toMillis(), TimeUnit.MILLISECONDS)) return false;
        received.release(count);
        return true;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.add(socket);
                Thread.ofVirtual().name("tls-receiver").start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket plain) {
        Socket socket = plain;
        boolean secure = false;
        try {
            socket.setSoTimeout(10_000);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            say(out, "220 mx.far.example ESMTP test");
            for (int n = 0; n < 1000; n++) {
                String line = in.readLine();
                if (line == null) return;
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO" -> {
                        StringBuilder reply = new StringBuilder("250-mx.far.example\r\n");
                        if (!secure && tls != null) reply.append("250-STARTTLS\r\n");
                        if (secure && requireTls) reply.append("250-REQUIRETLS\r\n");
                        reply.append("250 ENHANCEDSTATUSCODES");
                        say(out, reply.toString());
                    }
                    case "STAR" -> {
                        if (tls == null || secure) {
                            say(out, "502 5.5.1 no");
                            continue;
                        }
                        say(out, "220 2.0.0 go ahead");
                        SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), false);
                        secured.setUseClientMode(false);
                        try {
                            secured.startHandshake();
                        } catch (IOException e) {
                            return; // the client refused our certificate
                        }
                        handshakes++;
                        socket = secured;
                        secure = true;
                        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                        out = socket.getOutputStream();
                    }
                    case "MAIL" -> say(out, "250 2.1.0 ok");
                    case "RCPT" -> say(out, "250 2.1.5 ok");
                    case "DATA" -> {
                        say(out, "354 go");
                        StringBuilder message = new StringBuilder();
                        for (String body; (body = in.readLine()) != null && !body.equals("."); ) message.append(body).append('\n');
                        messages.add(message.toString());
                        say(out, "250 2.0.0 queued");
                        received.release();
                    }
                    case "RSET", "NOOP" -> say(out, "250 2.0.0 ok");
                    case "QUIT" -> {
                        say(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> say(out, "502 5.5.2 unknown");
                }
            }
        } catch (IOException e) {
            // The client went away; nothing to record.
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken socket: nothing more to do
            }
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }
}
