package dev.tern.testkit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The whole server in a process of its own that halts at one step of an idempotent HTTP submission, for
 * {@link IdempotencyCrashTest}: {@code IdempotencyCrashMain <dataDirectory> <step>} sets the crash point
 * ({@code before-commit}: the pending entry is durable, the message not committed; {@code after-commit}: the message
 * is committed, held, and nothing more), listens on 127.0.0.1 and prints {@code PORT <n>}, the web listener's port.
 * It stops when its standard input ends, so no server outlives an aborted build.
 */
public final class IdempotencyCrashMain {
    private IdempotencyCrashMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: IdempotencyCrashMain <dataDirectory> <step>");
        // Read once by MessageRoutes when its class loads, which is after this.
        System.setProperty("tern.test.idempotency.crash", args[1]);
        TestServer server = TestServer.start(Path.of(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "idempotency-crash-server-stop"));
        System.out.println("PORT " + server.webPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing is sent on stdin; reading only waits for the test JVM to go away.
        }
        System.exit(0);
    }
}
