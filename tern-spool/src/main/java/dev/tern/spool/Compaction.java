package dev.tern.spool;

import dev.tern.mail.QueueId;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Frees segments kept only by a few long-retrying messages: their live messages are written again at the
 * log's end (with their state), after which the old segment, and the finished ones behind it, can go.
 *
 * <p>Without it one message retried for five days keeps five days of segments on disk, since space is
 * reclaimed oldest segment first. It runs at open, for every sealed segment whose live content is under half
 * its size (mostly dead); a busy segment is left alone, as moving it would cost more than it frees.
 */
final class Compaction {
    private static final System.Logger LOG = System.getLogger(Compaction.class.getName());

    private final Spool spool;
    private final Segments segments;

    Compaction(Spool spool, Segments segments) {
        this.spool = spool;
        this.segments = segments;
    }

    void atOpen() throws IOException {
        for (long number : segments.sealedAndPinned()) {
            Path path = segments.path(number);
            Map<QueueId, Long> live = spool.liveIn(number);
            long liveBytes = live.values().stream().mapToLong(Long::longValue).sum();
            if (live.isEmpty() || liveBytes * 2 >= Files.size(path)) continue;
            LOG.log(Level.INFO, "spool compaction: moving {0} messages out of segment {1}", live.size(), number);
            try (var source = FileChannel.open(path, StandardOpenOption.READ)) {
                spool.relocate(List.copyOf(live.keySet()), source);
            }
        }
    }
}
