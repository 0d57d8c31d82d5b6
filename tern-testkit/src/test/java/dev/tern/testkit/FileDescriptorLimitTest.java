package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6, item 5: {@code limits.max_connections} (default 20,000) is held against the process's
 * file-descriptor limit. A server in a JVM of its own runs under {@code ulimit -n} {@value #FD_LIMIT}, and the
 * test opens more connections than that limit could hold. Without the budget the server ran out of descriptors:
 * accept() failed with EMFILE, the clients beyond waited in the backlog without a greeting, and local delivery
 * failed too. With it, the clients beyond the derived limit get {@code 421 4.7.0} and a close (RFC 5321 §3.1),
 * those admitted are still served, and a message still reaches its Maildir.
 */
class FileDescriptorLimitTest {
    private static final int FD_LIMIT = 256;
    /** More connections than the server process has descriptors. */
    private static final int CLIENTS = FD_LIMIT + 64;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int READ_TIMEOUT_MS = 10_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void connectionsBeyondTheDescriptorBudgetGet421WhileAdmittedOnesAndDeliveryWork() throws Exception {
        Path data = work.resolve("data");
        Path log = work.resolve("server.log");
        List<Socket> admitted = new ArrayList<>();
        int refused = 0;
        try (ServerProcess server = ServerProcess.start(data, log, START_TIMEOUT, FD_LIMIT)) {
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    socket.setSoTimeout(READ_TIMEOUT_MS);
                    // Without the budget this read times out once the server is out of descriptors.
                    String greeting = Transcript.readLine(socket.getInputStream());
                    if (greeting != null && greeting.startsWith("220 ")) {
                        admitted.add(socket);
                        continue;
                    }
                    try (socket) {
                        assertThat(greeting).as("connection %d (see %s)", i, log).startsWith("421 4.7.0 ");
                        assertThat(Transcript.readLine(socket.getInputStream())).as("closed after the 421").isNull();
                    }
                    refused++;
                }

                assertThat(refused).as("connections refused (see %s)", log).isPositive();
                assertThat(admitted).hasSizeBetween(1, FD_LIMIT - 1);
                for (Socket socket : admitted) {
                    assertThat(exchange(socket, "NOOP")).startsWith("250 ");
                }
                Socket client = admitted.getFirst();
                assertThat(exchange(client, "EHLO client.test")).startsWith("250 ");
                assertThat(exchange(client, "MAIL FROM:<sender@client.test>")).startsWith("250 ");
                assertThat(exchange(client, "RCPT TO:<alice@localhost>")).startsWith("250 ");
                assertThat(exchange(client, "DATA")).startsWith("354 ");
                assertThat(exchange(client, "Subject: fd budget\r\n\r\nstill delivered\r\n.")).startsWith("250 ");
                assertThat(awaitMessages(data.resolve("mail/localhost/alice/new"), Duration.ofSeconds(30)))
                        .as("delivered into the Maildir (see %s)", log).isEqualTo(1);
            } finally {
                for (Socket socket : admitted) socket.close();
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertThat(lines).as("the derived limit is logged at start")
                    .anySatisfy(l -> assertThat(l).contains("connection limit=" + (admitted.size()), "fd_limit=" + FD_LIMIT));
            assertThat(lines).noneSatisfy(l -> assertThat(l).contains("accept failed"));
            assertThat(lines).noneSatisfy(l -> assertThat(l).contains("Too many open files"));
        }
        System.out.printf("FileDescriptorLimitTest: fd_limit=%d clients=%d admitted=%d refused=%d%n",
                FD_LIMIT, CLIENTS, admitted.size(), refused);
    }

    private static String exchange(Socket socket, String command) throws IOException {
        socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        List<String> reply = Transcript.readReply(in);
        return reply.isEmpty() ? "(closed)" : reply.getLast();
    }

    /** Polls (bounded) until {@code directory} holds a file; the number of files then. */
    private static long awaitMessages(Path directory, Duration timeout) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            long count = 0;
            if (Files.isDirectory(directory)) {
                try (Stream<Path> files = Files.list(directory)) {
                    count = files.count();
                }
            }
            if (count > 0 || System.nanoTime() > until) return count;
            Thread.sleep(50); // polling with a deadline: the delivery runs on the server's own schedule
        }
    }
}
