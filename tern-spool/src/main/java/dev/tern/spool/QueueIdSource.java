package dev.tern.spool;

import dev.tern.mail.QueueId;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes queue ids: 9 base-36 digits of epoch milliseconds, 3 of a counter within that millisecond, 4 random,
 * e.g. {@code MF3K2J9QX000A7ZQ}. Ids sort by time of creation; they never repeat within a process (the
 * time part never goes back), nor after a restart, which starts after the newest message found on disk, and
 * the random part covers a clock set back past that. Thread-safe.
 */
final class QueueIdSource {
    private static final int COUNTER_LIMIT = 36 * 36 * 36;
    private static final int RANDOM_LIMIT = 36 * 36 * 36 * 36;

    private final ReentrantLock lock = new ReentrantLock();
    private final SecureRandom random = new SecureRandom();
    private long lastMillis; // guarded by lock
    private int counter; // guarded by lock

    /** @param notBeforeMillis no id's time part will be earlier than this */
    QueueIdSource(long notBeforeMillis) {
        this.lastMillis = notBeforeMillis;
        this.counter = -1;
    }

    QueueId next() {
        long millis;
        int count;
        lock.lock();
        try {
            long now = System.currentTimeMillis();
            if (now > lastMillis) {
                lastMillis = now;
                counter = 0;
            } else if (++counter == COUNTER_LIMIT) {
                lastMillis++; // borrow the next millisecond rather than repeat
                counter = 0;
            }
            millis = lastMillis;
            count = counter;
        } finally {
            lock.unlock();
        }
        return new QueueId(base36(millis, 9) + base36(count, 3) + base36(random.nextInt(RANDOM_LIMIT), 4));
    }

    private static String base36(long value, int width) {
        String digits = Long.toString(value, 36).toUpperCase(Locale.ROOT);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }
}
