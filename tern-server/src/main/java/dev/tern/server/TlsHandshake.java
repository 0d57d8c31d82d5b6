package dev.tern.server;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** Layers server-side TLS over an accepted socket and completes the handshake (normally {@code TlsContext::handshake}). */
@FunctionalInterface
interface TlsHandshake {
    /** For listeners that offer no TLS: the session never asks for a handshake, so a call is a bug. */
    TlsHandshake NONE = plain -> {
        throw new IllegalStateException("TLS is not configured on this listener");
    };

    SSLSocket handshake(Socket plain) throws IOException;
}
