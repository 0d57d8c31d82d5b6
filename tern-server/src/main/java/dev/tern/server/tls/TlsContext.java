package dev.tern.server.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;

/**
 * The server's TLS material and policy. STUB: contract under way. Thread-safe.
 */
public final class TlsContext {
    /**
     * Loads the configured certificates, or makes (or reuses) a self-signed one under
     * {@code dataDirectory/tls/} for {@code hostname}, and logs its SHA-256 fingerprint.
     */
    public static TlsContext open(TlsSettings settings, Path dataDirectory, String hostname) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Layers server-side TLS over an accepted connection and completes the handshake: TLS 1.2 and 1.3 only,
     * server cipher preference, certificate chosen by SNI, certificates reloaded when their files change.
     * The caller must have discarded any plaintext it buffered (RFC 3207 §4.2, CVE-2011-0411).
     */
    public SSLSocket handshake(Socket plain) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
