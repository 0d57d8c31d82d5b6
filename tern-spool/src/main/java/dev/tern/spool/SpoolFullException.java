package dev.tern.spool;

import java.io.IOException;

/** The spool's file system has no room: a temporary condition (452 4.3.1, RFC 3463). */
public final class SpoolFullException extends IOException {
    public SpoolFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
