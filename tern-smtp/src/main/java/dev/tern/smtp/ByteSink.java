package dev.tern.smtp;

import java.io.IOException;

/** Where decoded message content goes (a spool writer, a buffer in tests). */
@FunctionalInterface
public interface ByteSink {
    void write(byte[] buffer, int offset, int length) throws IOException;
}
