package dev.tern.milter;

import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Python test milter (pymilter, over Sendmail's libmilter) as a child process on a free 127.0.0.1 port,
 * stopped by its PID.
 */
final class PythonMilter implements AutoCloseable {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Process process;
    private final Path log;
    private final int port;
    private final Path socket;

    private PythonMilter(Process process, Path log, int port, Path socket) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.socket = socket;
    }

    static void require() {
        RequiredTool.require(RequiredTool.systemPythonHas("Milter"), "python3-milter is not installed (Debian package python3-milter)");
    }

    static PythonMilter start(Path dir, String flavour) throws IOException, InterruptedException {
        return start(dir, flavour, null);
    }

    /** With {@code socket} non-null, on that UNIX socket instead of a TCP port. */
    static PythonMilter start(Path dir, String flavour, Path socket) throws IOException, InterruptedException {
        Path script = dir.resolve("tern_test_milter.py");
        if (!Files.exists(script)) {
            try (InputStream in = PythonMilter.class.getResourceAsStream("/milter/tern_test_milter.py")) {
                Files.copy(in, script);
            }
        }
        int port = socket == null ? freePort() : 0;
        String listen = socket == null ? Integer.toString(port) : "unix:" + socket;
        Path log = dir.resolve("milter-" + flavour + (socket == null ? "" : "-unix") + ".log");
        Process process = new ProcessBuilder(PYTHON.toString(), script.toString(), listen, flavour)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PythonMilter milter = new PythonMilter(process, log, port, socket);
        milter.awaitListening();
        return milter;
    }

    String address() {
        return socket == null ? "inet:127.0.0.1:" + port : "unix:" + socket;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                probe();
                return;
            } catch (IOException notYet) { // the milter has not opened its socket yet: wait on the process, and try again
                if (process.waitFor(25, TimeUnit.MILLISECONDS)) break;
            }
        }
        close();
        throw new IOException("the Python milter did not listen on port " + port + ": " + Files.readString(log, StandardCharsets.UTF_8));
    }

    private void probe() throws IOException {
        if (socket != null) {
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                return;
            }
        }
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
        }
    }

    @Override
    public void close() throws InterruptedException {
        // SIGKILL: libmilter notices SIGTERM only at its listener's 5-second poll timeout, and the test milter keeps no state.
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        process.waitFor(5, TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
