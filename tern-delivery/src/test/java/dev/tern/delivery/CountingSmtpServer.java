package dev.tern.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny SMTP receiver on loopback that counts what happens to it: connections accepted and open, messages
 * taken, RSETs, QUITs. It speaks just enough ESMTP (PIPELINING, no STARTTLS) and can misbehave: refuse RSET
 * with a 421 (a server that timed the idle connection out), or close each connection after one message without
 * telling the client. Each connection on a virtual thread, bounded by the socket's end.
 */
final class CountingSmtpServer implements AutoCloseable {
    enum Fault { NONE, RSET_421, CLOSE_AFTER_MESSAGE }

    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger rsets = new AtomicInteger();
    final AtomicInteger quits = new AtomicInteger();
    private final ServerSocket server;
    private final Fault fault;

    private CountingSmtpServer(Fault fault) throws IOException {
        this.fault = fault;
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("counting-smtp").start(this::accept);
    }

    static CountingSmtpServer start(Fault fault) throws IOException {
        return new CountingSmtpServer(fault);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                open.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            send(out, "220 counting.test ESMTP");
            for (String line; (line = in.readLine()) != null; ) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                switch (verb) {
                    case "EHLO" -> send(out, "250-counting.test\r\n250-PIPELINING\r\n250 8BITMIME");
                    case "RSET" -> {
                        rsets.incrementAndGet();
                        if (fault == Fault.RSET_421) {
                            send(out, "421 4.4.2 counting.test idle too long, closing");
                            return;
                        }
                        send(out, "250 2.0.0 Ok");
                    }
                    case "DATA" -> {
                        send(out, "354 End data with <CR><LF>.<CR><LF>");
                        for (String body; (body = in.readLine()) != null && !body.equals("."); ) {
                            // discarded: a sink
                        }
                        messages.incrementAndGet();
                        send(out, "250 2.0.0 Ok: queued");
                        if (fault == Fault.CLOSE_AFTER_MESSAGE) return;
                    }
                    case "QUIT" -> {
                        quits.incrementAndGet();
                        send(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> send(out, "250 2.1.0 Ok");
                }
            }
        } catch (IOException e) {
            // The client went away: counted as closed below.
        } finally {
            open.decrementAndGet();
        }
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
