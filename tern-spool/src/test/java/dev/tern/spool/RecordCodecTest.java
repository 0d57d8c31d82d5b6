package dev.tern.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.RecipientState.Status;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private static final QueueId ID = new QueueId("0MX1RFUES000BJJ9");

    @Test
    void everyRecordTypeRoundTrips() {
        Envelope bounce = new Envelope(ReversePath.NULL, List.of(Recipient.of(Mailbox.of("ünïcode", "xn--bcher-kva.test"))),
                MailOptions.NONE);
        Envelope requireTls = new Envelope(ReversePath.of(Mailbox.of("a", "b.test")),
                List.of(Recipient.of(Mailbox.of("c", "d.test"))),
                new MailOptions(0, MailOptions.Body.UNSPECIFIED, false, MailOptions.Ret.UNSPECIFIED, "", true));
        List<LogRecord> records = List.of(
                new LogRecord.Message(ID, Instant.parse("2026-11-29T10:00:00.123456789Z"), Fixtures.envelope(4),
                        states(Fixtures.envelope(4)), 3, Instant.parse("2026-11-30T00:00:00Z"), 123456789L, -42,
                        SpooledMessage.HELD),
                new LogRecord.Message(ID, Instant.EPOCH, bounce, withHistory(bounce), 0, Instant.EPOCH, 0, 0, 0),
                new LogRecord.Message(ID, Instant.EPOCH, requireTls, states(requireTls), 0, Instant.EPOCH, 0, 0, 0),
                new LogRecord.Attempt(ID, 2, new RecipientState.Attempt(Instant.parse("2026-11-30T01:02:03Z"),
                        "mx1.example.net[192.0.2.1]", "451 4.7.1 greylisted, come back in 5 minutes")),
                new LogRecord.Flags(ID, SpooledMessage.HELD | SpooledMessage.DELAY_WARNED),
                new LogRecord.Complete(ID, 7, Status.FAILED, "550 5.1.1 <x@y.test>: no such user"),
                new LogRecord.Complete(ID, 0, Status.DELIVERED, ""),
                new LogRecord.Defer(ID, Instant.parse("2027-01-01T00:00:00Z"), "451 4.4.1 connection timed out ✉"));
        for (LogRecord record : records) {
            byte[] frame = RecordCodec.encode(record);
            ByteBuffer buffer = ByteBuffer.wrap(frame);
            int metaLength = buffer.getInt(0);
            assertThat(frame).hasSize(RecordCodec.FRAME_BYTES + metaLength);
            assertThat(buffer.getInt(4)).isEqualTo(RecordCodec.crc(frame, metaLength));
            assertThat(RecordCodec.decode(buffer.position(RecordCodec.FRAME_BYTES).slice())).isEqualTo(record);
        }
    }

    @Test
    void aVersionOneMessageRecordStillDecodes() {
        // Version 1 (type 1) is version 2's message record without the per-recipient history counts and the flags.
        Envelope envelope = new Envelope(ReversePath.NULL, List.of(Recipient.of(Mailbox.of("a", "b.test"))), MailOptions.NONE);
        var record = new LogRecord.Message(ID, Instant.EPOCH, envelope, states(envelope), 2, Instant.EPOCH, 5, 9, 0);
        byte[] frame = RecordCodec.encode(record);
        byte[] meta = java.util.Arrays.copyOfRange(frame, RecordCodec.FRAME_BYTES, frame.length);
        int historyCount = meta.length - 18; // then i64 length, i32 crc, i32 flags follow
        var v1 = new java.io.ByteArrayOutputStream();
        v1.write(1);
        v1.write(meta, 1, historyCount - 1);
        v1.write(meta, historyCount + 2, 12);
        assertThat(RecordCodec.decode(ByteBuffer.wrap(v1.toByteArray()))).isEqualTo(record);
    }

    @Test
    void unknownTypeDoesNotDecode() {
        assertThatThrownBy(() -> RecordCodec.decode(ByteBuffer.wrap(new byte[] {99, 0, 0})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordCodec.decode(ByteBuffer.wrap(new byte[] {1, 0})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<RecipientState> withHistory(Envelope envelope) {
        var attempt = new RecipientState.Attempt(Instant.EPOCH, "", "4.4.1 connection refused");
        return envelope.recipients().stream()
                .map(r -> new RecipientState(r, Status.PENDING, "4.4.1 connection refused", List.of(attempt, attempt))).toList();
    }

    private static List<RecipientState> states(Envelope envelope) {
        return envelope.recipients().stream()
                .map(r -> new RecipientState(r, Status.PENDING, "")).toList();
    }
}
