package dev.tern.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client of the crash test: sends messages with fresh markers over plain sockets, MAIL/RCPT/DATA pipelined
 * (RFC 2920), a few to a dozen per connection. When a session fails it waits for the next server generation
 * and goes on with a new marker: a message whose 250 never arrived is not sent again, so any copy of it that
 * shows up was committed before the kill, and the audit may count it without suspecting a duplicate.
 */
final class LoadClient implements Runnable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A live server answers in milliseconds; this only bounds a hang, which the test then reports. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    /** After a failure with the server still up, try the same server again after this long. */
    private static final Duration RETRY_SAME_SERVER = Duration.ofSeconds(1);

    private final int number;
    private final ServerSlot slot;
    private final Ledger ledger;
    private final AtomicBoolean stop;
    private final int maxMessages;
    private final Random random;
    private int next;

    LoadClient(int number, ServerSlot slot, Ledger ledger, AtomicBoolean stop, int maxMessages, long seed) {
        this.number = number;
        this.slot = slot;
        this.ledger = ledger;
        this.stop = stop;
        this.maxMessages = maxMessages;
        this.random = new Random(seed);
    }

    @Override
    public void run() {
        int minGeneration = 1;
        try {
            while (!stop.get() && next < maxMessages) {
                ServerSlot.Target target = slot.await(minGeneration, RETRY_SAME_SERVER).or(slot::current).orElse(null);
                if (target == null) continue; // no server up right now: wait again
                minGeneration = target.generation();
                try {
                    session(target);
                } catch (IOException e) {
                    ledger.failed(target, e, slot.isUp(target.generation()));
                    minGeneration = target.generation() + 1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the test gave up on us; end quietly
        }
    }

    private void session(ServerSlot.Target target) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", target.port()), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            expect(in, "220");
            send(out, "EHLO client" + number + ".client.test\r\n");
            expect(in, "250");
            int messages = 3 + random.nextInt(10);
            for (int i = 0; i < messages && !stop.get() && next < maxMessages; i++) transaction(in, out, target, next++);
            send(out, "QUIT\r\n");
            expect(in, "221");
        }
    }

    private void transaction(InputStream in, OutputStream out, ServerSlot.Target target, int message) throws IOException {
        String marker = CrashMail.marker(number, message);
        List<String> recipients = CrashMail.recipients(number, message);
        byte[] content = CrashMail.text(marker, recipients).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        ledger.sending(new Ledger.Sent(marker, recipients, target.generation()));
        StringBuilder commands = new StringBuilder("MAIL FROM:<client" + number + "@client.test>\r\n");
        for (String r : recipients) commands.append("RCPT TO:<").append(r).append('@').append(CrashMail.DOMAIN).append(">\r\n");
        send(out, commands.append("DATA\r\n").toString());
        expect(in, "250");
        for (int i = 0; i < recipients.size(); i++) expect(in, "250");
        expect(in, "354");
        out.write(content); // no line starts with a dot, so there is nothing to stuff
        send(out, ".\r\n");
        expect(in, "250 2.0.0");
        ledger.acknowledged(marker);
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * Reads one whole reply; its last line must start with {@code prefix}. A line counts only with its CRLF: a
     * reply cut off by the kill is not an acknowledgement.
     */
    private static void expect(InputStream in, String prefix) throws IOException {
        List<String> reply = new ArrayList<>();
        String line;
        do {
            line = readLine(in);
            reply.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(prefix)) throw new IOException("expected " + prefix + " but got " + String.join(" | ", reply));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new EOFException("connection closed" + (line.isEmpty() ? "" : " within reply: " + line));
            if (c != '\r') line.append((char) c);
        }
        return line.toString();
    }
}
