package dev.tern.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;

/**
 * The WARN lines of refused logins, summarised: a refused attempt costs the attacker nothing, so one address
 * once wrote 10,000 lines in 34 seconds. Per key (the client address or the account whose limit refused the
 * attempt) the first refusal is logged in full; further ones within {@link #interval} are only counted, and
 * when the interval is over one line gives their number. A key stays summarised for as long as refusals keep
 * coming, so a steady attack costs one line per interval per key; after an interval with none the next refusal
 * is logged in full again.
 *
 * <p>Summaries are written by the next refusal after their interval ends (of any key): no thread of its own,
 * so a count can wait until the next attack. The keys are bounded at {@code maxKeys}; refusals of keys beyond
 * that are counted under one key, {@code others}, so memory and lines stay bounded however many addresses and
 * names an attacker uses. Thread-safe: one lock around the counts, the logging done outside it.
 */
final class ThrottleLog {
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    private static final String OTHERS = "others";

    private final Logger log;
    private final Duration interval;
    private final int maxKeys;
    private final Clock clock;
    /** In the order their interval started, oldest first, so the due ones are at the front. */
    private final LinkedHashMap<String, Summary> summaries = new LinkedHashMap<>();

    /** A refusal: what refused it (a {@link AuthThrottle.Limit}), the key it counts under, the user and address. */
    record Refusal(AuthThrottle.Limit limit, String key, String user, String client) {}

    private static final class Summary {
        Instant since;
        int repeated;
        Refusal last;

        Summary(Instant since, Refusal last) {
            this.since = since;
            this.last = last;
        }
    }

    private record Repeated(String key, int repeated, Refusal last) {}

    ThrottleLog(Logger log, Duration interval, int maxKeys, Clock clock) {
        if (interval.isNegative() || interval.isZero() || maxKeys < 1) throw new IllegalArgumentException("positive interval and size");
        this.log = log;
        this.interval = interval;
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    void refused(Refusal refusal) {
        List<Repeated> due = new ArrayList<>();
        boolean first = record(refusal, clock.instant(), due);
        for (Repeated r : due) {
            log.warn("auth throttled {} repeated={} in={}s last_user={} last_client={} limit={}", r.key(), r.repeated(),
                    interval.toSeconds(), r.last().user(), r.last().client(), r.last().limit().logName());
        }
        if (first) {
            log.warn("auth throttled user={} client={} limit={}", refusal.user(), refusal.client(),
                    refusal.limit().logName());
        }
    }

    /** Counts the refusal and collects the summaries that are due; true when it is to be logged in full. */
    private synchronized boolean record(Refusal refusal, Instant now, List<Repeated> due) {
        while (!summaries.isEmpty()) {
            var eldest = summaries.firstEntry();
            Summary s = eldest.getValue();
            if (now.isBefore(s.since.plus(interval))) break;
            summaries.pollFirstEntry();
            if (s.repeated > 0) {
                due.add(new Repeated(eldest.getKey(), s.repeated, s.last));
                s.since = now;
                s.repeated = 0;
                summaries.put(eldest.getKey(), s); // keeps summarising while the attempts go on
            }
        }
        String key = summaries.containsKey(refusal.key()) || summaries.size() < maxKeys ? refusal.key() : OTHERS;
        Summary summary = summaries.get(key);
        if (summary == null) {
            summaries.put(key, new Summary(now, refusal));
            return true;
        }
        summary.repeated++;
        summary.last = refusal;
        return false;
    }
}
