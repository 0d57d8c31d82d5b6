package dev.tern.delivery;

import dev.tern.smtp.client.ClientStep;
import dev.tern.smtp.client.SmtpClientSession;
import java.io.IOException;
import java.net.Socket;

/**
 * An open outbound SMTP connection: the socket, its {@link SmtpConnection.Wire} (streams and the buffer of
 * unread reply bytes) and the client session that drives it. Between transactions it waits in the
 * {@link ConnectionCache} with the session ready for the next {@code send}. Used by one thread at a time: the
 * delivery holding it, or the cache.
 */
final class OpenSession {
    final Socket socket;
    final SmtpClientSession session;
    final long openedNanos;
    SmtpConnection.Wire wire;
    int transactions;
    long idleSinceNanos;

    OpenSession(Socket socket, SmtpConnection.Wire wire, SmtpClientSession session, long openedNanos) {
        this.socket = socket;
        this.wire = wire;
        this.session = session;
        this.openedNanos = openedNanos;
    }

    /** Says QUIT (RFC 5321 §4.1.1.10; the 221 is not awaited) to a ready session, then closes. */
    void quit() {
        try {
            ClientStep step = session.quit();
            wire.write(step);
            wire.flushQuietly();
        } catch (IOException | IllegalStateException e) {
            // The server is gone or the session was not ready: QUIT was only a courtesy.
        }
        close();
    }

    void close() {
        try {
            wire.socket.close();
            socket.close();
        } catch (IOException e) {
            // Closing a broken socket can fail; nothing more to do with it.
        }
    }
}
