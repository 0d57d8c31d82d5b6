package dev.tern.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A tiny SMTP server for what {@code smtp-sink} cannot do: advertise a chosen EHLO (a small SIZE), or
 * {@linkplain #stalling stall} (accept the connection and never say a word). Takes every transaction with 250 and
 * records the commands it read. Owns a virtual thread for accepting and one per connection, until closed.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<String> extensions;
    private final boolean stall;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final CountDownLatch closedByClient = new CountDownLatch(1);
    private volatile long acceptedAt;
    private volatile long clientClosedAt;
    private volatile boolean pipelined;

    private ScriptedSmtpServer(InetSocketAddress address, List<String> extensions, boolean stall) throws IOException {
        this.listener = new ServerSocket();
        listener.bind(address);
        this.extensions = List.copyOf(extensions);
        this.stall = stall;
        Thread.ofVirtual().name("scripted-smtp-accept").start(this::accept);
    }

    /** Greets, answers EHLO with these extension lines, takes all mail. */
    static ScriptedSmtpServer answering(InetSocketAddress address, String... extensions) throws IOException {
        return new ScriptedSmtpServer(address, List.of(extensions), false);
    }

    /** Accepts connections and says nothing, reading until the client gives up. */
    static ScriptedSmtpServer stalling(InetSocketAddress address) throws IOException {
        return new ScriptedSmtpServer(address, List.of(), true);
    }

    /** Whether a command came with the next already behind it, before its reply (pipelining, RFC 2920). */
    boolean sawPipelining() {
        return pipelined;
    }

    List<String> commands() {
        return List.copyOf(commands);
    }

    /** The content of each message received, dot-unstuffed, CRLF line ends. */
    List<String> messages() {
        return List.copyOf(messages);
    }

    /** Waits for the first client to close its connection; the milliseconds it stayed, or -1 on timeout. */
    long awaitClientClose(long timeoutMillis) throws InterruptedException {
        if (!closedByClient.await(timeoutMillis, TimeUnit.MILLISECONDS)) return -1;
        return (clientClosedAt - acceptedAt) / 1_000_000;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.add(socket);
                Thread.ofVirtual().name("scripted-smtp-conn").start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        acceptedAt = System.nanoTime();
        try (socket) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            if (stall) {
                while (in.read() >= 0) {
                    // says nothing; waits for the client to give up
                }
                clientClosedAt = System.nanoTime();
                closedByClient.countDown();
                return;
            }
            write(out, "220 scripted.test ESMTP\r\n");
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                if (in.ready()) pipelined = true;
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO" -> {
                        StringBuilder reply = new StringBuilder("250");
                        reply.append(extensions.isEmpty() ? " " : "-").append("scripted.test\r\n");
                        for (int i = 0; i < extensions.size(); i++) {
                            reply.append("250").append(i == extensions.size() - 1 ? " " : "-").append(extensions.get(i)).append("\r\n");
                        }
                        write(out, reply.toString());
                    }
                    case "DATA" -> {
                        write(out, "354 go ahead\r\n");
                        StringBuilder content = new StringBuilder();
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            content.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
                        }
                        messages.add(content.toString());
                        write(out, "250 2.0.0 taken\r\n");
                    }
                    case "QUIT" -> {
                        write(out, "221 2.0.0 bye\r\n");
                        return;
                    }
                    default -> write(out, "250 2.0.0 ok\r\n");
                }
            }
        } catch (SocketException e) {
            // the client or close() ended it
        } catch (IOException e) {
            // the same
        } finally {
            if (clientClosedAt == 0) {
                clientClosedAt = System.nanoTime();
                closedByClient.countDown();
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // nothing more to do
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
