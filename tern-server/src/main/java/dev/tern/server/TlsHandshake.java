package dev.tern.server;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** Layers server-side TLS over an accepted socket and completes the handshake (normally {@code TlsContext::handshake}). */
@FunctionalInterface
interface TlsHandshake {
    SSLSocket handshake(Socket plain) throws IOException;
}
