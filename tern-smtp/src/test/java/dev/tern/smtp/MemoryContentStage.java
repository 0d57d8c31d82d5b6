package dev.tern.smtp;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import java.io.ByteArrayOutputStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * An honest in-memory {@link ContentStage}: keeps each stored message (with its Received: field first) and
 * envelope, names them Q1, Q2 ... unless told the next id or the next refusal, and counts discarded messages.
 */
final class MemoryContentStage implements ContentStage {
    static final ZonedDateTime WHEN = ZonedDateTime.of(2025, 2, 3, 10, 4, 5, 0, ZoneOffset.ofHours(1));

    final List<String> stored = new ArrayList<>();
    final List<Envelope> envelopes = new ArrayList<>();
    final List<Optional<String>> users = new ArrayList<>();
    final Deque<Stored> next = new ArrayDeque<>();
    int opened;
    int discarded;

    @Override
    public Content open(Opening opening) {
        int number = ++opened;
        users.add(opening.authenticatedUser());
        TraceField received = opening.received();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return new Content() {
            private boolean done;

            @Override
            public void write(byte[] buffer, int offset, int length) {
                if (done) throw new IllegalStateException("write after the end");
                bytes.write(buffer, offset, length);
            }

            @Override
            public Stored store(Envelope envelope) {
                if (done) throw new IllegalStateException("stored twice");
                done = true;
                Stored outcome = next.isEmpty() ? new Stored.Queued(new QueueId("Q" + number)) : next.removeFirst();
                if (outcome instanceof Stored.Queued(QueueId id)) {
                    stored.add(received.format(id, WHEN) + bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
                    envelopes.add(envelope);
                }
                return outcome;
            }

            @Override
            public void discard() {
                if (!done) discarded++;
                done = true;
            }
        };
    }
}
