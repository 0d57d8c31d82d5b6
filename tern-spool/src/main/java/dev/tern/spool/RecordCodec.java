package dev.tern.spool;

import dev.tern.mail.Domain;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes the log's records, format version 2 (docs/spool.md is the reference; change both). Version
 * 1's records are still read: its message record (type 1) lacks the attempt history and flags of type 4.
 *
 * <p>A record is a frame {@code u32 metaLength, u32 crc32c(metaLength bytes + meta)} followed by the meta
 * and, for a message, its content. The meta starts with a type byte. Integers are big-endian, strings are
 * {@code u32 length + UTF-8}, instants are {@code i64 epochSecond + i32 nano}. Enums are written as fixed
 * codes, never ordinals, so reordering a Java enum cannot change the meaning of old files.
 */
final class RecordCodec {
    static final int FRAME_BYTES = 8;
    /** Larger meta lengths are a torn or corrupt frame: even 100,000 recipients stay far below. */
    static final int MAX_META_BYTES = 64 << 20;

    private static final byte MESSAGE = 1;
    private static final byte COMPLETE = 2;
    private static final byte DEFER = 3;
    private static final byte MESSAGE_V2 = 4;
    private static final byte ATTEMPT = 5;
    private static final byte FLAGS = 6;
    private static final List<Notify> NOTIFY_BITS = List.of(Notify.NEVER, Notify.SUCCESS, Notify.FAILURE, Notify.DELAY);

    private RecordCodec() {}

    /** The frame and meta of {@code record}, ready to write; a message's content follows it. */
    static byte[] encode(LogRecord record) {
        var bytes = new ByteArrayOutputStream(256);
        try (var out = new DataOutputStream(bytes)) {
            out.writeLong(0); // frame, filled in below
            switch (record) {
                case LogRecord.Message m -> writeMessage(out, m);
                case LogRecord.Complete c -> {
                    out.writeByte(COMPLETE);
                    writeString(out, c.id().value());
                    out.writeInt(c.index());
                    out.writeByte(statusCode(c.status()));
                    writeString(out, c.diagnostic());
                }
                case LogRecord.Defer d -> {
                    out.writeByte(DEFER);
                    writeString(out, d.id().value());
                    writeInstant(out, d.nextAttempt());
                    writeString(out, d.diagnostic());
                }
                case LogRecord.Attempt a -> {
                    out.writeByte(ATTEMPT);
                    writeString(out, a.id().value());
                    out.writeInt(a.index());
                    writeAttempt(out, a.attempt());
                }
                case LogRecord.Flags f -> {
                    out.writeByte(FLAGS);
                    writeString(out, f.id().value());
                    out.writeInt(f.flags());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        byte[] frame = bytes.toByteArray();
        int metaLength = frame.length - FRAME_BYTES;
        ByteBuffer.wrap(frame).putInt(0, metaLength).putInt(4, crc(frame, metaLength));
        return frame;
    }

    /** The CRC stored in a frame whose first 4 bytes hold {@code metaLength} and whose meta follows at 8. */
    static int crc(byte[] frame, int metaLength) {
        var crc = new CRC32C();
        crc.update(frame, 0, 4);
        crc.update(frame, FRAME_BYTES, metaLength);
        return (int) crc.getValue();
    }

    /**
     * Decodes a meta whose CRC already matched.
     *
     * @throws IllegalArgumentException when the meta does not decode (an unknown type, or values that today's
     *                                  value types reject)
     */
    static LogRecord decode(ByteBuffer meta) {
        try {
            byte type = meta.get();
            return switch (type) {
                case MESSAGE -> readMessage(meta, false);
                case MESSAGE_V2 -> readMessage(meta, true);
                case ATTEMPT -> new LogRecord.Attempt(new QueueId(readString(meta)), meta.getInt(), readAttempt(meta));
                case FLAGS -> new LogRecord.Flags(new QueueId(readString(meta)), meta.getInt());
                case COMPLETE -> new LogRecord.Complete(new QueueId(readString(meta)), meta.getInt(),
                        status(meta.get()), readString(meta));
                case DEFER -> new LogRecord.Defer(new QueueId(readString(meta)), readInstant(meta), readString(meta));
                default -> throw new IllegalArgumentException("unknown record type " + type);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("record meta too short", e);
        }
    }

    private static void writeMessage(DataOutputStream out, LogRecord.Message m) throws IOException {
        out.writeByte(MESSAGE_V2);
        writeString(out, m.id().value());
        writeInstant(out, m.accepted());
        Envelope envelope = m.envelope();
        switch (envelope.reversePath()) {
            case ReversePath.Null ignored -> out.writeByte(0);
            case ReversePath.Sender sender -> {
                out.writeByte(1);
                writeMailbox(out, sender.mailbox());
            }
        }
        MailOptions options = envelope.options();
        out.writeLong(options.declaredSize());
        writeString(out, options.body().name());
        // One octet of option bits: 1 SMTPUTF8, 2 REQUIRETLS (a v2 reader of old records saw 0 or 1 here).
        out.writeByte((options.smtpUtf8() ? 1 : 0) | (options.requireTls() ? 2 : 0));
        writeString(out, options.ret().name());
        writeString(out, options.envId());
        out.writeInt(m.attempts());
        writeInstant(out, m.nextAttempt());
        out.writeInt(envelope.recipients().size());
        for (int i = 0; i < envelope.recipients().size(); i++) {
            Recipient recipient = envelope.recipients().get(i);
            writeMailbox(out, recipient.mailbox());
            int mask = 0;
            for (Notify notify : recipient.notifyOn()) mask |= 1 << NOTIFY_BITS.indexOf(notify);
            out.writeByte(mask);
            writeString(out, recipient.orcpt());
            RecipientState state = m.recipients().get(i);
            out.writeByte(statusCode(state.status()));
            writeString(out, state.diagnostic());
            out.writeShort(state.history().size());
            for (RecipientState.Attempt attempt : state.history()) writeAttempt(out, attempt);
        }
        out.writeLong(m.contentLength());
        out.writeInt(m.contentCrc());
        out.writeInt(m.flags());
    }

    private static void writeAttempt(DataOutputStream out, RecipientState.Attempt attempt) throws IOException {
        writeInstant(out, attempt.at());
        writeString(out, attempt.host());
        writeString(out, attempt.diagnostic());
    }

    private static RecipientState.Attempt readAttempt(ByteBuffer in) {
        return new RecipientState.Attempt(readInstant(in), readString(in), readString(in));
    }

    private static LogRecord.Message readMessage(ByteBuffer in, boolean v2) {
        QueueId id = new QueueId(readString(in));
        Instant accepted = readInstant(in);
        ReversePath from = switch (in.get()) {
            case 0 -> ReversePath.NULL;
            case 1 -> ReversePath.of(readMailbox(in));
            default -> throw new IllegalArgumentException("bad reverse-path kind");
        };
        long declaredSize = in.getLong();
        MailOptions.Body body = MailOptions.Body.valueOf(readString(in));
        int optionBits = in.get();
        var options = new MailOptions(declaredSize, body, (optionBits & 1) != 0, MailOptions.Ret.valueOf(readString(in)),
                readString(in), (optionBits & 2) != 0);
        int attempts = in.getInt();
        Instant nextAttempt = readInstant(in);
        int count = in.getInt();
        if (count <= 0 || count > in.remaining()) throw new IllegalArgumentException("bad recipient count");
        var recipients = new ArrayList<Recipient>(count);
        var states = new ArrayList<RecipientState>(count);
        for (int i = 0; i < count; i++) {
            Mailbox mailbox = readMailbox(in);
            int mask = in.get();
            Set<Notify> notify = EnumSet.noneOf(Notify.class);
            for (int bit = 0; bit < NOTIFY_BITS.size(); bit++) {
                if ((mask & (1 << bit)) != 0) notify.add(NOTIFY_BITS.get(bit));
            }
            var recipient = new Recipient(mailbox, notify, readString(in));
            recipients.add(recipient);
            RecipientState.Status status = status(in.get());
            String diagnostic = readString(in);
            List<RecipientState.Attempt> history = new ArrayList<>();
            if (v2) {
                int attemptCount = in.getShort() & 0xffff;
                for (int k = 0; k < attemptCount; k++) history.add(readAttempt(in));
            }
            states.add(new RecipientState(recipient, status, diagnostic, history));
        }
        long contentLength = in.getLong();
        int contentCrc = in.getInt();
        int flags = v2 ? in.getInt() : 0;
        return new LogRecord.Message(id, accepted, new Envelope(from, recipients, options), states, attempts,
                nextAttempt, contentLength, contentCrc, flags);
    }

    private static int statusCode(RecipientState.Status status) {
        return switch (status) {
            case PENDING -> 0;
            case DELIVERED -> 1;
            case FAILED -> 2;
        };
    }

    private static RecipientState.Status status(byte code) {
        return switch (code) {
            case 0 -> RecipientState.Status.PENDING;
            case 1 -> RecipientState.Status.DELIVERED;
            case 2 -> RecipientState.Status.FAILED;
            default -> throw new IllegalArgumentException("bad status code " + code);
        };
    }

    private static void writeMailbox(DataOutputStream out, Mailbox mailbox) throws IOException {
        writeString(out, mailbox.localPart());
        writeString(out, mailbox.domain().name());
    }

    private static Mailbox readMailbox(ByteBuffer in) {
        return new Mailbox(readString(in), new Domain(readString(in)));
    }

    private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
        out.writeLong(instant.getEpochSecond());
        out.writeInt(instant.getNano());
    }

    private static Instant readInstant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) throw new IllegalArgumentException("bad string length");
        String text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }
}
