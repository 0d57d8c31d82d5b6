package dev.tern.net;

import java.io.IOException;

/**
 * Serves one accepted connection, on its own virtual thread. The listener closes the connection when this returns
 * or throws; an {@link IOException} is a connection that broke, logged briefly.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void serve(NetConnection connection) throws IOException;
}
