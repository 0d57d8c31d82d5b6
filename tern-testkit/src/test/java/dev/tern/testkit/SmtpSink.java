package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Postfix's {@code smtp-sink} on one loopback address and port, started by a test with its fault-injection flags
 * and stopped by its PID. Each transaction it takes is dumped to a file of its own in {@code dumps}
 * ({@code -d}), so a test counts the copies that arrived and reads their envelopes ({@code X-Mail-Args},
 * {@code X-Rcpt-Args}). Under root it runs as the {@code postfix} user ({@code -u}, which it requires), so the
 * dump directory is made writable for that user.
 */
final class SmtpSink implements AutoCloseable {
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/smtp-sink"), Path.of("/usr/lib/postfix/sbin/smtp-sink"));
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path dumps;

    private SmtpSink(Process process, Path dumps) {
        this.process = process;
        this.dumps = dumps;
    }

    /** The binary, or the test is skipped (failed under CI): Debian package postfix. */
    static Path require() {
        Path found = BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(BINARIES.getFirst());
        RequiredTool.requireExecutable(found, "postfix");
        return found;
    }

    /**
     * Starts {@code smtp-sink flags... address:port} and waits (bounded) until it greets. {@code work} gets the
     * dump directory and the sink's stderr.
     */
    static SmtpSink start(Path work, InetSocketAddress address, String... flags) throws IOException, InterruptedException {
        Path binary = require();
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dumps = Files.createTempDirectory(work, "sink-");
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if ("root".equals(System.getProperty("user.name"))) command.addAll(List.of("-u", "postfix"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-d", dumps.resolve("m.").toString(),
                address.getAddress().getHostAddress() + ":" + address.getPort(), "16"));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("sink.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        SmtpSink sink = new SmtpSink(process, dumps);
        long until = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) throw new IOException("smtp-sink exited with " + process.exitValue() + "; see " + work.resolve("sink.log"));
            try (Socket probe = new Socket()) {
                probe.connect(address, 1000);
                probe.setSoTimeout(2000);
                if (probe.getInputStream().read() == '2') return sink; // its 220 greeting
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > until) {
                sink.close();
                throw new IOException("smtp-sink did not listen on " + address + " within " + READY_TIMEOUT);
            }
            Thread.sleep(20); // polling a port with a deadline; there is no event to await
        }
    }

    /**
     * The transactions whose content arrived so far (their dump holds {@code marker}, a text at the end of the
     * message), one file each, oldest name first. The sink opens a dump at MAIL and writes it as it reads, so
     * a file without the marker is a transaction refused or still under way.
     */
    List<String> transactions(String marker) throws IOException {
        try (Stream<Path> files = Files.list(dumps)) {
            List<String> all = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                String dump = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (dump.contains(marker)) all.add(dump);
            }
            return all;
        }
    }

    /** Waits (polling, bounded) until {@code count} transactions were dumped, and returns what there is. */
    List<String> awaitTransactions(String marker, int count, Duration timeout) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        List<String> found = transactions(marker);
        while (found.size() < count && System.nanoTime() < until) {
            Thread.sleep(10); // polling a directory with a deadline; there is no event to await
            found = transactions(marker);
        }
        return found;
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM to its PID, SIGKILL if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
