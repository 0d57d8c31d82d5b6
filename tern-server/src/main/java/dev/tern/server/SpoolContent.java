package dev.tern.server;

import dev.tern.mail.Envelope;
import dev.tern.smtp.ContentStage;
import dev.tern.smtp.HeaderScanner;
import dev.tern.smtp.Replies;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.SpooledMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content of one message on its way into the spool, and the content policy applied to it: the hop limit,
 * the header size limit, for submission the fields RFC 6409 §8 lets the server add, and the
 * {@link MessageInspector}'s checks. A write failure (a full disk) is remembered, not thrown, so the connection
 * keeps reading the client's data to its end and the client gets a 4yz reply instead of a dropped connection
 * mid-message.
 *
 * <p>The header section is held in memory until the end of the data (it is bounded by the header size limit; a
 * larger one is refused, so holding it costs at most that much), because what is stored in front of the body is
 * settled only then: our {@code Received:}, the inspection's {@code Authentication-Results:} and signatures,
 * a filter's changes. The body goes to the spool writer as it arrives, and past the inspection.
 */
final class SpoolContent implements ContentStage.Content {
    private static final Logger log = LoggerFactory.getLogger(SpoolContent.class);
    // RFC 5322 §3.3 date-time with a numeric zone ("GMT" is obsolete syntax, never to be generated); LocalSubmission's
    // Received: field uses it too.
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private final SpoolContentStage stage;
    private final MessageWriter writer;
    private final HeaderScanner headers;
    private final Optional<String> submissionHost;
    private final ZonedDateTime received;
    private final byte[] trace;
    private final MessageInspector.MessageFacts facts;
    private ByteArrayOutputStream held = new ByteArrayOutputStream(1024);
    private MessageInspector.Inspection inspection;
    private boolean oversized;
    private IOException failure;

    /**
     * @param submissionHost the server's name when missing Date:/Message-ID: are to be added (submission);
     *                       empty for relayed mail, whose fields are never changed
     */
    SpoolContent(SpoolContentStage stage, MessageWriter writer, String receivedHeader, Optional<String> submissionHost,
                 ZonedDateTime received, MessageInspector.MessageFacts facts) {
        this.stage = stage;
        this.writer = writer;
        this.headers = new HeaderScanner(stage.maxHeaderSize());
        this.submissionHost = submissionHost;
        this.received = received;
        this.trace = receivedHeader.getBytes(StandardCharsets.UTF_8);
        this.facts = facts;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        if (inspection != null) {
            body(buffer, offset, length);
            return;
        }
        if (oversized) return; // refused at the end; nothing more is kept
        headers.scan(buffer, offset, length);
        if (headers.headerEnded()) {
            int inChunk = (int) (headers.headerSectionLength() - held.size());
            held.write(buffer, offset, inChunk);
            endOfHeader();
            body(buffer, offset + inChunk, length - inChunk);
        } else if (headers.headerTooLarge()) {
            oversized = true;
            held = null;
        } else {
            held.write(buffer, offset, length);
        }
    }

    @Override
    public ContentStage.Stored store(Envelope envelope) {
        if (inspection == null && !oversized) endOfHeader(); // no empty line: the whole message is header
        if (failure != null) return stage.storageFailure(failure);
        // RFC 5321 §6.3: a message that has passed too many hops is looping.
        if (headers.receivedCount() >= stage.maxReceivedHeaders()) return new ContentStage.Stored.Refused(Replies.LOOP);
        if (oversized || headers.headerTooLarge()) return new ContentStage.Stored.Refused(Replies.HEADER_TOO_LARGE);
        MessageInspector.Decision decision;
        try {
            decision = inspection.finish(envelope);
        } catch (RuntimeException e) {
            // A check's bug must not end the session nor take the message unchecked: the client retries later.
            log.error("conn={} id={} content checks failed", stage.connection(), writer.id(), e);
            inspection.abandon();
            inspection = null;
            return new ContentStage.Stored.Refused(Replies.CHECKS_FAILED);
        }
        inspection = null;
        byte[] section;
        int flags = 0;
        switch (decision) {
            case MessageInspector.Decision.Refuse refuse -> {
                log.info("conn={} refused id={} reply=\"{}\"", stage.connection(), writer.id(), refuse.reply().lines().getFirst());
                return new ContentStage.Stored.Refused(refuse.reply());
            }
            case MessageInspector.Decision.Discard discard -> {
                log.info("conn={} discarded id={} reason=\"{}\"", stage.connection(), writer.id(), discard.reason());
                writer.close(); // its memory and spill file go now: the session forgets a "stored" message
                return new ContentStage.Stored.Queued(writer.id());
            }
            case MessageInspector.Decision.Accept accept -> {
                section = accept.headerSection();
                if (accept.quarantine()) flags = SpooledMessage.QUARANTINE;
            }
        }
        byte[] head = new byte[trace.length + section.length];
        System.arraycopy(trace, 0, head, 0, trace.length);
        System.arraycopy(section, 0, head, trace.length, section.length);
        try {
            stage.beforeCommit().accept(writer.id());
            writer.commit(envelope, head, flags | stage.commitFlags());
        } catch (IOException e) {
            return stage.storageFailure(e);
        }
        stage.queued(writer.id(), envelope, writer.size() + head.length);
        return new ContentStage.Stored.Queued(writer.id());
    }

    /** Discards the message unless it was committed. */
    @Override
    public void discard() {
        if (inspection != null) {
            inspection.abandon();
            inspection = null;
        }
        writer.close();
    }

    /** The header section is complete: settle the submission fields and begin the inspection. */
    private void endOfHeader() {
        byte[] section = held.toByteArray();
        held = null;
        if (submissionHost.isPresent()) section = withSubmissionFields(section);
        inspection = stage.inspector().begin(facts, section);
    }

    // RFC 6409 §8.2 (Date) and §8.3 (Message-ID): added by the submission server when the client left them out.
    private byte[] withSubmissionFields(byte[] section) {
        StringBuilder missing = new StringBuilder();
        if (headers.count(HeaderScanner.Field.DATE) == 0) {
            missing.append("Date: ").append(DATE.format(received)).append("\r\n");
        }
        if (headers.count(HeaderScanner.Field.MESSAGE_ID) == 0) {
            missing.append("Message-ID: <").append(writer.id()).append('@').append(submissionHost.orElseThrow())
                    .append(">\r\n");
        }
        if (missing.isEmpty()) return section;
        byte[] fields = missing.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] result = new byte[fields.length + section.length];
        System.arraycopy(fields, 0, result, 0, fields.length);
        System.arraycopy(section, 0, result, fields.length, section.length);
        return result;
    }

    private void body(byte[] buffer, int offset, int length) {
        if (length == 0) return;
        inspection.body(buffer, offset, length);
        if (failure != null) return;
        try {
            writer.write(buffer, offset, length);
        } catch (IOException e) {
            failure = e;
        }
    }
}
