package dev.tern.spool;

import dev.tern.mail.QueueId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the spool's state from its segments at open: replays every valid record in log order, cuts a torn
 * tail off the last segment, and registers each segment with the number of live messages it holds.
 *
 * @param live            the messages with a recipient still pending, oldest first
 * @param nextSegment     the number for the new active segment
 * @param newestAccepted  the newest acceptance time seen, which new queue ids must not precede
 */
record Recovery(List<QueuedMessage> live, long nextSegment, Instant newestAccepted) {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    static Recovery run(Path directory, Segments segments, boolean fsync) throws IOException {
        List<Long> numbers = Segments.list(directory);
        Map<QueueId, QueuedMessage> messages = new HashMap<>();
        Instant[] newest = {Instant.EPOCH};
        SegmentReader.Visitor replay = (record, location) -> {
            switch (record) {
                case LogRecord.Message m -> {
                    var message = new QueuedMessage(m, location, true);
                    QueuedMessage older = messages.put(m.id(), message);
                    if (older != null) message.keepFinalStatuses(older);
                    if (m.accepted().isAfter(newest[0])) newest[0] = m.accepted();
                }
                case LogRecord.Complete c -> {
                    // A state record for a message no longer on disk: it finished and its segment was reclaimed.
                    QueuedMessage message = messages.get(c.id());
                    if (message != null) message.complete(c.index(), c.status(), c.diagnostic());
                }
                case LogRecord.Defer d -> {
                    QueuedMessage message = messages.get(d.id());
                    if (message != null) message.defer(d.nextAttempt(), d.diagnostic());
                }
                case LogRecord.Attempt a -> {
                    QueuedMessage message = messages.get(a.id());
                    if (message != null) message.attempted(a.index(), a.attempt());
                }
                case LogRecord.Flags f -> {
                    QueuedMessage message = messages.get(f.id());
                    if (message != null) message.flags(f.flags());
                }
            }
        };
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i++) {
            long number = numbers.get(i);
            Path path = segments.path(number);
            boolean last = i == numbers.size() - 1;
            long size = Files.size(path);
            boolean torn = last && size <= Segments.HEADER_BYTES && !hasHeader(path);
            if (torn || size == Segments.HEADER_BYTES && hasHeader(path)) {
                // Torn: a crash while creating the segment, before its header was durable. Header only: no record
                // was ever written to it (older versions made one at every open, also at failed ones). Neither
                // holds anything, so deleting it, wherever it lies, changes no message.
                Files.delete(path);
                segments.syncDirectory();
                continue;
            }
            long validEnd = SegmentReader.scan(number, path, replay);
            if (validEnd < size) cutTornTail(number, path, validEnd, last, fsync);
            kept.add(number);
        }
        numbers = kept;
        List<QueuedMessage> live = messages.values().stream().filter(m -> !m.isFinished())
                .sorted(Comparator.comparing(QueuedMessage::accepted).thenComparing(m -> m.id().value()))
                .toList();
        Map<Long, Integer> pins = new HashMap<>();
        Map<Long, Long> liveBytes = new HashMap<>();
        for (QueuedMessage message : live) {
            pins.merge(message.location().segment(), 1, Integer::sum);
            liveBytes.merge(message.location().segment(), message.size(), Long::sum);
        }
        for (long number : numbers) {
            segments.addRecovered(number, pins.getOrDefault(number, 0), liveBytes.getOrDefault(number, 0L));
        }
        long next = numbers.isEmpty() ? 1 : numbers.getLast() + 1;
        return new Recovery(live, next, newest[0]);
    }

    private static boolean hasHeader(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        return Segments.isCurrentHeader(java.nio.ByteBuffer.wrap(bytes));
    }

    private static void cutTornTail(long number, Path path, long validEnd, boolean last, boolean fsync)
            throws IOException {
        if (!last) {
            // Only the last segment can hold an unflushed batch: a segment is sealed after a successful flush.
            // Keep the evidence; the records after this point are unreadable either way.
            log.error("spool segment={} corrupt at offset={}; records after it are skipped",
                    number, validEnd);
            return;
        }
        log.info("spool segment={} cutting unacknowledged tail at offset={}", number, validEnd);
        try (var channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(validEnd);
            if (fsync) channel.force(false);
        }
    }
}
