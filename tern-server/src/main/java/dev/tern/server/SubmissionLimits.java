package dev.tern.server;

import dev.tern.mail.Mailbox;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.text.Normalizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts submitted messages and recipients per authenticated user and per client network over a sliding hour,
 * and refuses a count that would go over its limit. Thread-safe: every connection's thread calls in, and all
 * state sits behind one lock with no I/O inside.
 *
 * <p>The hour slides in one-minute steps: a count made in one minute is forgotten when the clock reaches the
 * same minute of the next hour (so it is held for 59 to 60 minutes). Users and networks are kept in two maps of
 * at most {@link SubmissionLimitSettings#maxTrackedKeys()} entries each; past that the least recently active
 * entry is forgotten, so memory is bounded whatever the clients do.
 */
public final class SubmissionLimits {
    /** What is being counted. */
    public enum Count { MESSAGE, RECIPIENT }

    /** Whom a count is for. */
    public sealed interface Key {
        /** An authenticated user, in one canonical form, so logging in as ALICE@Example.COM counts as alice. */
        record User(String name) implements Key {
            public static User of(String username) {
                String text = Normalizer.normalize(username, Normalizer.Form.NFC);
                int at = text.lastIndexOf('@');
                if (at > 0 && at < text.length() - 1) {
                    try {
                        Mailbox mailbox = Mailbox.of(text.substring(0, at), text.substring(at + 1));
                        return new User(mailbox.canonicalLocalPart() + "@" + mailbox.domain().name());
                    } catch (IllegalArgumentException e) {
                        // Not an address: the name itself, in lower case, is the key.
                    }
                }
                return new User(text.toLowerCase(Locale.ROOT));
            }
        }

        /** An IPv4 address, or the /64 network of an IPv6 address (one site gets a /64, RFC 6177 §2). */
        record Network(String prefix) implements Key {
            public static Network of(InetAddress address) {
                byte[] bytes = address.getAddress();
                if (address instanceof Inet6Address) {
                    return new Network(HexFormat.of().formatHex(bytes, 0, 8) + "::/64");
                }
                return new Network(address.getHostAddress());
            }
        }
    }

    private static final int MINUTES = 60;

    private final SubmissionLimitSettings settings;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Window> users;
    private final Map<Key, Window> networks;

    public SubmissionLimits(SubmissionLimitSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.users = boundedMap(settings.maxTrackedKeys());
        this.networks = boundedMap(settings.maxTrackedKeys());
    }

    /**
     * Counts one {@code count} for every key, if none of them is at its limit; otherwise counts nothing and
     * returns false. Checking and counting are one atomic step, so concurrent sessions cannot overshoot.
     */
    public boolean admit(Count count, List<Key> keys) {
        long minute = Math.floorDiv(clock.millis(), 60_000L);
        lock.lock();
        try {
            List<Window> windows = new ArrayList<>(keys.size());
            for (Key key : keys) {
                Window window = mapOf(key).computeIfAbsent(key, k -> new Window(minute));
                window.advance(minute);
                if (window.total(count) >= limit(key, count)) return false;
                windows.add(window);
            }
            for (Window window : windows) window.add(count);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Users and networks whose counts are held right now (for tests of the memory bound). */
    int trackedKeys() {
        lock.lock();
        try {
            return users.size() + networks.size();
        } finally {
            lock.unlock();
        }
    }

    private Map<Key, Window> mapOf(Key key) {
        return switch (key) {
            case Key.User u -> users;
            case Key.Network n -> networks;
        };
    }

    private int limit(Key key, Count count) {
        return switch (key) {
            case Key.User u -> count == Count.MESSAGE ? settings.maxMessagesPerUser() : settings.maxRecipientsPerUser();
            case Key.Network n -> count == Count.MESSAGE ? settings.maxMessagesPerIp() : settings.maxRecipientsPerIp();
        };
    }

    // Access order: a lookup makes an entry the newest, so the eldest is the least recently active.
    private static Map<Key, Window> boundedMap(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Window> eldest) {
                return size() > max;
            }
        };
    }

    /** Sixty one-minute buckets per count; the bucket of minute m is slot m mod 60. */
    private static final class Window {
        private final int[][] buckets = new int[Count.values().length][MINUTES];
        private long newest;

        Window(long minute) {
            this.newest = minute;
        }

        /** Empties the buckets of the minutes passed since the newest one. A clock set back counts into the newest. */
        void advance(long minute) {
            if (minute <= newest) return;
            for (long m = Math.max(newest + 1, minute - MINUTES + 1); m <= minute; m++) {
                for (int[] bucket : buckets) bucket[(int) Math.floorMod(m, MINUTES)] = 0;
            }
            newest = minute;
        }

        int total(Count count) {
            int sum = 0;
            for (int n : buckets[count.ordinal()]) sum += n;
            return sum;
        }

        void add(Count count) {
            buckets[count.ordinal()][(int) Math.floorMod(newest, MINUTES)]++;
        }
    }
}
