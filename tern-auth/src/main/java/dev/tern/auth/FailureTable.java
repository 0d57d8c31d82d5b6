package dev.tern.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recent authentication failures of each key (a client address or an account), over a sliding window,
 * bounded in keys and in timestamps per key, so that whatever an attacker sends, the memory stays bounded
 * and a lock, once reached, is the last thing forgotten.
 *
 * <p>Only {@link #add} creates an entry: looking a key up never does, so attempts refused without a password
 * check leave no trace here (they used to, and 10,000 of them with distinct names pushed a locked account out
 * of the table). Each entry keeps at most {@code limit} timestamps, the newest: the count reaching the limit is
 * all that matters, and the newest ones say when it falls below again.
 *
 * <p>When the table is full, one entry makes room, chosen in this order: an entry whose failures have all
 * expired; else the entry below the limit whose last failure is oldest; else the locked entry whose last
 * failure is oldest. Age, not recency of lookups, decides, and an entry below the limit always goes before a
 * lock. So pushing one locked key out takes {@code maxKeys × limit} fresh failures within the window, newer
 * than the lock's own: with the default limits 50,000 real password checks on other accounts, made from at
 * least 5,000 client addresses (each may fail 10 times), to buy 5 more guesses at one account.
 *
 * <p>Not thread-safe: {@link AuthThrottle} calls it under its lock. No I/O.
 */
final class FailureTable {
    private final Duration window;
    private final int limit;
    private final int maxKeys;
    /** Entries below the limit when last added to, in the order of their last failure, oldest first. */
    private final LinkedHashMap<String, ArrayDeque<Instant>> counting = new LinkedHashMap<>();
    /** Entries that reached the limit when last added to, in the same order. */
    private final LinkedHashMap<String, ArrayDeque<Instant>> locked = new LinkedHashMap<>();

    FailureTable(Duration window, int limit, int maxKeys) {
        if (window.isNegative() || window.isZero() || limit < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("positive window, limit and size");
        }
        this.window = window;
        this.limit = limit;
        this.maxKeys = maxKeys;
    }

    /** The failures of {@code key} within the window before {@code now}; an entry left empty is dropped. */
    int count(String key, Instant now) {
        ArrayDeque<Instant> failures = counting.get(key);
        Map<String, ArrayDeque<Instant>> in = counting;
        if (failures == null) {
            failures = locked.get(key);
            in = locked;
        }
        if (failures == null) return 0;
        expire(failures, now);
        if (failures.isEmpty()) in.remove(key);
        return failures.size();
    }

    /** Records a failure of {@code key} at {@code at}, making room first if the table is full. */
    void add(String key, Instant at) {
        ArrayDeque<Instant> failures = counting.remove(key);
        if (failures == null) failures = locked.remove(key);
        if (failures == null) {
            if (size() >= maxKeys) evictOne(at);
            failures = new ArrayDeque<>(Math.min(limit, 16));
        }
        expire(failures, at);
        failures.addLast(at);
        while (failures.size() > limit) failures.removeFirst();
        (failures.size() >= limit ? locked : counting).put(key, failures); // at the end: the newest failure
    }

    /** Forgets {@code key} (a successful login clears its account). */
    void clear(String key) {
        counting.remove(key);
        locked.remove(key);
    }

    int size() {
        return counting.size() + locked.size();
    }

    /** The most timestamps any entry holds (for the memory bound's test). */
    int largestEntry() {
        int largest = 0;
        for (ArrayDeque<Instant> f : counting.values()) largest = Math.max(largest, f.size());
        for (ArrayDeque<Instant> f : locked.values()) largest = Math.max(largest, f.size());
        return largest;
    }

    private void evictOne(Instant now) {
        if (removeIfExpired(counting, now) || removeIfExpired(locked, now)) return;
        Iterator<ArrayDeque<Instant>> eldest = (counting.isEmpty() ? locked : counting).values().iterator();
        eldest.next();
        eldest.remove();
    }

    /** Removes the eldest entry of {@code map} if all its failures left the window. */
    private boolean removeIfExpired(LinkedHashMap<String, ArrayDeque<Instant>> map, Instant now) {
        if (map.isEmpty()) return false;
        Iterator<ArrayDeque<Instant>> eldest = map.values().iterator();
        ArrayDeque<Instant> failures = eldest.next();
        expire(failures, now);
        if (!failures.isEmpty()) return false;
        eldest.remove();
        return true;
    }

    private void expire(ArrayDeque<Instant> failures, Instant now) {
        Instant horizon = now.minus(window);
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(horizon)) failures.removeFirst();
    }
}
