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
        List<LogRecord> records = List.of(
                new LogRecord.Message(ID, Instant.parse("2026-11-29T10:00:00.123456789Z"), Fixtures.envelope(4),
                        states(Fixtures.envelope(4)), 3, Instant.parse("2026-11-30T00:00:00Z"), 123456789L, -42),
                new LogRecord.Message(ID, Instant.EPOCH, bounce, states(bounce), 0, Instant.EPOCH, 0, 0),
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
    void unknownTypeDoesNotDecode() {
        assertThatThrownBy(() -> RecordCodec.decode(ByteBuffer.wrap(new byte[] {99, 0, 0})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordCodec.decode(ByteBuffer.wrap(new byte[] {1, 0})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<RecipientState> states(Envelope envelope) {
        return envelope.recipients().stream()
                .map(r -> new RecipientState(r, Status.PENDING, "")).toList();
    }
}
