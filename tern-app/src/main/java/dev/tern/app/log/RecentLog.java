package dev.tern.app.log;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * The last {@link #capacity()} log records, oldest dropped first. Thread-safe: one lock, held only to add or copy.
 * A record costs its formatted message and the first line of its throwable, each cut to {@link #MAX_MESSAGE}
 * characters, so however much is logged the ring holds at most about 4 million characters (a few hundred
 * kilobytes for ordinary lines of a hundred or so).
 */
public final class RecentLog {
    /** The ring of this process, which {@link RecentLogProvider} fills: SLF4J makes the provider by class name. */
    private static final RecentLog PROCESS = new RecentLog(1000);
    static final int MAX_MESSAGE = 2000;

    /** One logged line. */
    public record Entry(Instant at, Level level, String logger, String thread, String message, String throwable) {
        public Entry {
            if (at == null || level == null || logger == null || thread == null || message == null || throwable == null) {
                throw new IllegalArgumentException("incomplete log entry");
            }
        }
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries;
    private boolean recording;

    RecentLog(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(capacity);
    }

    /** The ring of this process. */
    public static RecentLog process() {
        return PROCESS;
    }

    public int capacity() {
        return capacity;
    }

    /** True once a provider feeds this ring (false when SLF4J runs with another provider: the ring stays empty). */
    public synchronized boolean recording() {
        return recording;
    }

    synchronized void startRecording() {
        recording = true;
    }

    void add(Instant at, Level level, String logger, String thread, String message, Throwable throwable) {
        String text = cut(message);
        // An exception's message can be a whole input (a parser quoting what it read): cut as the message is.
        String problem = throwable == null ? "" : cut(throwable.toString().lines().findFirst().orElse(""));
        Entry entry = new Entry(at, level, logger, thread, text, problem);
        synchronized (this) {
            if (entries.size() == capacity) entries.removeFirst();
            entries.addLast(entry);
        }
    }

    private static String cut(String text) {
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    /** The newest {@code limit} entries at {@code minimum} or more severe, oldest first (as {@code tail} shows them). */
    public List<Entry> tail(Level minimum, int limit) {
        List<Entry> copy;
        synchronized (this) {
            copy = new ArrayList<>(entries);
        }
        ArrayDeque<Entry> picked = new ArrayDeque<>();
        for (int i = copy.size() - 1; i >= 0 && picked.size() < limit; i--) {
            Entry e = copy.get(i);
            if (e.level().toInt() >= minimum.toInt()) picked.addFirst(e);
        }
        return List.copyOf(picked);
    }

    /** A level by its name in any case ({@code trace} ... {@code error}), or empty. */
    public static java.util.Optional<Level> level(String name) {
        for (Level level : Level.values()) {
            if (level.name().equals(name.toUpperCase(Locale.ROOT))) return java.util.Optional.of(level);
        }
        return java.util.Optional.empty();
    }
}
