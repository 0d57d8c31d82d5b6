package dev.tern.server;

import dev.tern.smtp.ByteSink;
import dev.tern.smtp.HeaderScanner;
import dev.tern.spool.MessageWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The content of one message on its way into the spool: watches its header section and writes it to the spool
 * writer. A write failure (a full disk) is remembered, not thrown, so the connection keeps reading the client's
 * data to its end and can answer with a 4yz reply instead of dropping the connection mid-message.
 */
final class Incoming implements ByteSink, AutoCloseable {
    private final MessageWriter writer;
    private final HeaderScanner headers;
    private IOException failure;

    Incoming(MessageWriter writer, int maxHeaderSize, String receivedHeader) {
        this.writer = writer;
        this.headers = new HeaderScanner(maxHeaderSize);
        byte[] received = receivedHeader.getBytes(StandardCharsets.UTF_8);
        append(received, 0, received.length);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        headers.scan(buffer, offset, length);
        append(buffer, offset, length);
    }

    private void append(byte[] buffer, int offset, int length) {
        if (failure != null) return;
        try {
            writer.write(buffer, offset, length);
        } catch (IOException e) {
            failure = e;
        }
    }

    MessageWriter writer() {
        return writer;
    }

    HeaderScanner headers() {
        return headers;
    }

    /** The write failure, if one happened; the content is then incomplete and must not be committed. */
    Optional<IOException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Discards the message unless it was committed. */
    @Override
    public void close() {
        writer.close();
    }
}
