package dev.tern.server;

import dev.tern.mail.Envelope;
import dev.tern.smtp.ContentStage;
import dev.tern.smtp.HeaderScanner;
import dev.tern.smtp.Replies;
import dev.tern.spool.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * The content of one message on its way into the spool, and the content policy applied to it: the hop limit,
 * the header size limit, and for submission the fields RFC 6409 §8 lets the server add. It watches the header
 * section and writes everything to the spool writer. A write failure (a full disk) is remembered, not thrown,
 * so the connection keeps reading the client's data to its end and the client gets a 4yz reply instead of a
 * dropped connection mid-message.
 *
 * <p>For submission the header section is held back until it ends, so that a missing {@code Date:} or
 * {@code Message-ID:} can be added in front of it; the header section is bounded by the header size limit, so
 * holding it costs at most that much memory.
 */
final class SpoolContent implements ContentStage.Content {
    // RFC 5322 §3.3 date-time with a numeric zone ("GMT" is obsolete syntax, never to be generated).
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private final SpoolContentStage stage;
    private final MessageWriter writer;
    private final HeaderScanner headers;
    private final Optional<String> submissionHost;
    private final ZonedDateTime received;
    private ByteArrayOutputStream held;
    private IOException failure;

    /**
     * @param submissionHost the server's name when missing Date:/Message-ID: are to be added (submission);
     *                       empty for relayed mail, which is never changed
     */
    SpoolContent(SpoolContentStage stage, MessageWriter writer, String receivedHeader, Optional<String> submissionHost,
                 ZonedDateTime received) {
        this.stage = stage;
        this.writer = writer;
        this.headers = new HeaderScanner(stage.maxHeaderSize());
        this.submissionHost = submissionHost;
        this.received = received;
        byte[] trace = receivedHeader.getBytes(StandardCharsets.UTF_8);
        append(trace, 0, trace.length);
        if (submissionHost.isPresent()) held = new ByteArrayOutputStream(1024);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        headers.scan(buffer, offset, length);
        if (held == null) {
            append(buffer, offset, length);
            return;
        }
        held.write(buffer, offset, length);
        if (headers.headerEnded() || headers.headerTooLarge()) releaseHeld();
    }

    @Override
    public ContentStage.Stored store(Envelope envelope) {
        if (held != null) releaseHeld();
        if (failure != null) return stage.storageFailure(failure);
        // RFC 5321 §6.3: a message that has passed too many hops is looping.
        if (headers.receivedCount() >= stage.maxReceivedHeaders()) return new ContentStage.Stored.Refused(Replies.LOOP);
        if (headers.headerTooLarge()) return new ContentStage.Stored.Refused(Replies.HEADER_TOO_LARGE);
        try {
            writer.commit(envelope);
        } catch (IOException e) {
            return stage.storageFailure(e);
        }
        stage.queued(writer.id(), envelope, writer.size());
        return new ContentStage.Stored.Queued(writer.id());
    }

    /** Discards the message unless it was committed. */
    @Override
    public void discard() {
        writer.close();
    }

    // RFC 6409 §8.2 (Date) and §8.3 (Message-ID): added by the submission server when the client left them out.
    private void releaseHeld() {
        StringBuilder missing = new StringBuilder();
        if (headers.count(HeaderScanner.Field.DATE) == 0) {
            missing.append("Date: ").append(DATE.format(received)).append("\r\n");
        }
        if (headers.count(HeaderScanner.Field.MESSAGE_ID) == 0) {
            missing.append("Message-ID: <").append(writer.id()).append('@').append(submissionHost.orElseThrow())
                    .append(">\r\n");
        }
        byte[] fields = missing.toString().getBytes(StandardCharsets.US_ASCII);
        append(fields, 0, fields.length);
        byte[] content = held.toByteArray();
        held = null;
        append(content, 0, content.length);
    }

    private void append(byte[] buffer, int offset, int length) {
        if (failure != null) return;
        try {
            writer.write(buffer, offset, length);
        } catch (IOException e) {
            failure = e;
        }
    }
}
