package dev.tern.app.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.RecipientState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueShapeTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @ParameterizedTest
    @CsvSource(textBlock = """
            # qshape's buckets: 0-5, 5-10, 10-20, 20-40, 40-80, 80-160, 160+ minutes
            PT0S, 0
            PT4M59S, 0
            PT5M, 1
            PT9M59S, 1
            PT10M, 2
            PT20M, 3
            PT39M, 3
            PT40M, 4
            PT80M, 5
            PT159M59S, 5
            PT160M, 6
            P5D, 6
            # a clock set back: the message is new
            -PT1H, 0
            """)
    void agesFallIntoDoublingBuckets(Duration age, int bucket) {
        assertThat(QueueShape.bucket(age)).isEqualTo(bucket);
    }

    @Test
    void aMessageCountsOncePerDomainWithAPendingRecipient() {
        QueueShape shape = new QueueShape(NOW);
        shape.add(entry("M1", Duration.ofMinutes(1), pending("a@one.example"), pending("b@one.example"),
                pending("c@two.example"), done("d@three.example")));
        shape.add(entry("M2", Duration.ofMinutes(30), pending("e@two.example")));
        shape.add(entry("M3", Duration.ofHours(4), pending("f@two.example")));
        assertThat(shape.toJson()).isEqualTo("{\"buckets\":[\"5\",\"10\",\"20\",\"40\",\"80\",\"160\",\"160+\"],"
                + "\"total\":{\"messages\":3,\"ages\":[1,0,0,1,0,0,1]},\"domains\":["
                + "{\"domain\":\"two.example\",\"messages\":3,\"ages\":[1,0,0,1,0,0,1]},"
                + "{\"domain\":\"one.example\",\"messages\":1,\"ages\":[1,0,0,0,0,0,0]}]}");
    }

    static RecipientState pending(String address) {
        String[] parts = address.split("@");
        return new RecipientState(Recipient.of(Mailbox.of(parts[0], parts[1])), RecipientState.Status.PENDING,
                "4.4.0 not yet");
    }

    static RecipientState done(String address) {
        String[] parts = address.split("@");
        return new RecipientState(Recipient.of(Mailbox.of(parts[0], parts[1])), RecipientState.Status.DELIVERED, "");
    }

    static QueueEntry entry(String id, Duration age, RecipientState... recipients) {
        List<Recipient> rcpts = java.util.Arrays.stream(recipients).map(RecipientState::recipient).toList();
        Envelope envelope = new Envelope(ReversePath.of(Mailbox.of("sender", "client.test")), rcpts, MailOptions.NONE);
        return new QueueEntry(new QueueId(id), envelope, List.of(recipients), NOW.minus(age), 1000, 0, NOW, false);
    }
}
