package dev.tern.delivery;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Wall-clock deadlines for outbound SMTP steps (RFC 5321 §4.5.3.2): a socket's read timeout bounds each read
 * only, so a server that trickles a reply a byte at a time, or stops reading what we write (Java socket writes
 * have no timeout), could hold a delivery forever. An armed deadline closes the plain socket when it passes;
 * the blocked read or write then fails and the delivery is deferred.
 *
 * <p>Owns one daemon platform thread, {@code smtp-client-watchdog}, shared by every outbound connection; it only
 * closes sockets.
 */
final class Watchdog {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private Watchdog() {}

    /** A deadline; {@link #close()} disarms it (the step finished in time). */
    interface Armed extends AutoCloseable {
        @Override
        void close();
    }

    static Armed arm(Socket plain, Duration limit) {
        ScheduledFuture<?> firing = TIMER.schedule(() -> closeQuietly(plain), limit.toMillis(), TimeUnit.MILLISECONDS);
        return () -> firing.cancel(false);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all a watchdog does; a socket that fails to close is already broken.
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        var timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "smtp-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // disarmed deadlines leave the queue at once
        return timer;
    }
}
