package dev.tern.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CrashServerMain} in a separate JVM, on the same class path as the tests. Its log (stderr) goes to a
 * file. Owns one virtual thread that reads the process's stdout until it ends.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a server on {@code data} and waits (up to {@code timeout}) until it listens. */
    static ServerProcess start(Path data, Path log, Duration timeout) throws IOException, InterruptedException {
        return start(javaCommand(data), log, timeout);
    }

    /**
     * The same with the process's file-descriptor limit (soft and hard {@code RLIMIT_NOFILE}) set to
     * {@code fdLimit} by the shell, which then becomes the JVM ({@code exec}, so the pid is the server's).
     */
    static ServerProcess start(Path data, Path log, Duration timeout, int fdLimit) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "bash"));
        command.addAll(javaCommand(data));
        return start(command, log, timeout);
    }

    /** The same with another main class (which prints {@code PORT <n>} too) and its arguments. */
    static ServerProcess start(Class<?> main, List<String> args, Path log, Duration timeout) throws IOException, InterruptedException {
        return start(javaCommand(main, args), log, timeout);
    }

    private static List<String> javaCommand(Path data) throws IOException {
        return javaCommand(CrashServerMain.class, List.of(data.toString()));
    }

    private static List<String> javaCommand(Class<?> main, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IOException("no java command"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    private static ServerProcess start(List<String> command, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofVirtual().name("server-stdout-" + process.pid()).start(() -> readStdout(process, listening));
        try {
            return new ServerProcess(process, listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("server did not start within " + timeout + "; see " + log, e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Waits (up to {@code timeout}) for the process to end by itself, and returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("server pid " + process.pid() + " still runs after " + timeout);
        }
        return process.exitValue();
    }

    /** SIGKILL on Linux: no shutdown hook, no flush, no close; what the kernel has is what survives. */
    void kill() throws InterruptedException, IOException {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("server pid " + process.pid() + " survived SIGKILL for " + EXIT_TIMEOUT);
        }
    }

    /** SIGTERM: the server closes listeners, finishes deliveries under way and closes the spool. */
    void stop() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException("server pid " + process.pid() + " did not stop within " + EXIT_TIMEOUT + " of SIGTERM");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly(); // a failed test must not leave a server behind
    }

    private static void readStdout(Process process, CompletableFuture<Integer> listening) {
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PORT ")) listening.complete(Integer.parseInt(line.substring(5).strip()));
            }
        } catch (IOException | RuntimeException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IOException("server exited before listening"));
    }
}
