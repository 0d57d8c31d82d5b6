package dev.tern.dns;

import dev.tern.mail.Domain;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A cache in front of another {@link Resolver}: an answer is reused until its TTL runs out, a negative one
 * (NXDOMAIN, NODATA) until its negative TTL runs out (RFC 2308 §5), and a {@link Lookup.TempFail} never (the next
 * question asks again). TTLs are capped at {@link #MAX_TTL} and {@link #MAX_NEGATIVE_TTL}; an answer served from the
 * cache carries the TTL that is left.
 *
 * <p>Bounded: at most {@code maxEntries} answers, the least recently used one leaving first. Thread-safe: one lock
 * guards the map and is never held while the upstream resolver is asked, so two threads that miss on the same
 * question at once both ask (and the later answer stays).
 */
public final class CachingResolver implements Resolver {
    /** The longest a positive answer is kept, whatever its TTL says. */
    public static final Duration MAX_TTL = Duration.ofDays(1);
    /** The longest a negative answer is kept: RFC 2308 §5 finds one to three hours sensible. */
    public static final Duration MAX_NEGATIVE_TTL = Duration.ofHours(3);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private record Key(String type, String name) {}

    private record Cached(Lookup<?> lookup, Instant stored, Instant expires) {}

    private final Resolver upstream;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, Cached> entries;

    public CachingResolver(Resolver upstream, Clock clock, int maxEntries) {
        if (maxEntries < 1) throw new IllegalArgumentException("the cache needs room for at least one answer");
        this.upstream = upstream;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public CachingResolver(Resolver upstream) {
        this(upstream, Clock.systemUTC(), DEFAULT_MAX_ENTRIES);
    }

    @Override
    public Lookup<Mx> mx(Domain domain) {
        return cached(new Key("MX", domain.name()), () -> upstream.mx(domain));
    }

    @Override
    public Lookup<InetAddress> a(Domain host) {
        return cached(new Key("A", host.name()), () -> upstream.a(host));
    }

    @Override
    public Lookup<InetAddress> aaaa(Domain host) {
        return cached(new Key("AAAA", host.name()), () -> upstream.aaaa(host));
    }

    @Override
    public Lookup<String> txt(String name) {
        return cached(new Key("TXT", canonical(name)), () -> upstream.txt(name));
    }

    @Override
    public Lookup<String> ptr(InetAddress address) {
        return cached(new Key("PTR", address.getHostAddress()), () -> upstream.ptr(address));
    }

    @Override
    public Lookup<Mx> mx(String name) {
        return cached(new Key("MX", canonical(name)), () -> upstream.mx(name));
    }

    @Override
    public Lookup<InetAddress> a(String name) {
        return cached(new Key("A", canonical(name)), () -> upstream.a(name));
    }

    @Override
    public Lookup<InetAddress> aaaa(String name) {
        return cached(new Key("AAAA", canonical(name)), () -> upstream.aaaa(name));
    }

    private static String canonical(String name) {
        return (name.endsWith(".") ? name.substring(0, name.length() - 1) : name).toLowerCase(Locale.ROOT);
    }

    /** Answers held now, expired ones included until they are asked for or pushed out. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    private <T> Lookup<T> cached(Key key, Supplier<Lookup<T>> ask) {
        Instant now = clock.instant();
        Cached hit;
        lock.lock();
        try {
            hit = entries.get(key);
            if (hit != null && !now.isBefore(hit.expires())) {
                entries.remove(key);
                hit = null;
            }
        } finally {
            lock.unlock();
        }
        if (hit != null) return remaining(cast(hit.lookup()), Duration.between(now, hit.expires()));
        Lookup<T> answer = ask.get();
        Duration keep = switch (answer) {
            case Lookup.Found<T> f -> min(f.ttl(), MAX_TTL);
            case Lookup.NoData<T> n -> min(n.ttl(), MAX_NEGATIVE_TTL);
            case Lookup.NxDomain<T> n -> min(n.ttl(), MAX_NEGATIVE_TTL);
            case Lookup.TempFail<T> t -> Duration.ZERO;
        };
        if (keep.isPositive()) {
            lock.lock();
            try {
                entries.put(key, new Cached(answer, now, now.plus(keep)));
            } finally {
                lock.unlock();
            }
        }
        return answer;
    }

    private static <T> Lookup<T> remaining(Lookup<T> lookup, Duration left) {
        return switch (lookup) {
            case Lookup.Found<T> f -> new Lookup.Found<>(f.records(), left);
            case Lookup.NoData<T> n -> new Lookup.NoData<>(left);
            case Lookup.NxDomain<T> n -> new Lookup.NxDomain<>(left);
            case Lookup.TempFail<T> t -> t; // never stored
        };
    }

    @SuppressWarnings("unchecked") // a key's type fixes the record type: MX → Mx, A/AAAA → InetAddress, TXT/PTR → String
    private static <T> Lookup<T> cast(Lookup<?> lookup) {
        return (Lookup<T>) lookup;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
