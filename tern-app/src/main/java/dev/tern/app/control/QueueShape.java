package dev.tern.app.control;

import dev.tern.mail.Domain;
import dev.tern.spool.RecipientState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The queue's shape, as Postfix's {@code qshape} shows it: messages counted by destination domain and by age,
 * in buckets that double (0-5 minutes, 5-10, 10-20, 20-40, 40-80, 80-160, older). A message counts once in
 * the total and once for each domain where it has a recipient still pending. Not thread-safe: one per answer.
 */
final class QueueShape {
    /** The buckets' upper bounds in minutes; a last bucket holds everything older. */
    static final int[] BOUNDS = {5, 10, 20, 40, 80, 160};
    static final int BUCKETS = BOUNDS.length + 1;

    private final Instant now;
    private final long[] total = new long[BUCKETS];
    private final Map<Domain, long[]> domains = new HashMap<>();
    private long messages;

    QueueShape(Instant now) {
        this.now = now;
    }

    /** The bucket of a message accepted {@code age} ago; a message from the future (clock set back) is new. */
    static int bucket(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds < BOUNDS[i] * 60L) return i;
        }
        return BOUNDS.length;
    }

    void add(QueueEntry entry) {
        int bucket = bucket(Duration.between(entry.accepted(), now));
        messages++;
        total[bucket]++;
        Set<Domain> seen = new HashSet<>();
        for (RecipientState state : entry.recipients()) {
            if (state.status() != RecipientState.Status.PENDING) continue;
            Domain domain = state.recipient().mailbox().domain();
            if (seen.add(domain)) domains.computeIfAbsent(domain, d -> new long[BUCKETS])[bucket]++;
        }
    }

    /**
     * {@code {"buckets":["5",...,"160+"],"total":{"messages":N,"ages":[...]},
     * "domains":[{"domain":"d","messages":n,"ages":[...]},...]}}, domains with most messages first.
     */
    String toJson() {
        StringBuilder out = new StringBuilder("{\"buckets\":[");
        for (int bound : BOUNDS) out.append('"').append(bound).append("\",");
        out.append('"').append(BOUNDS[BOUNDS.length - 1]).append("+\"],\"total\":");
        row(out, messages, total);
        out.append(",\"domains\":[");
        List<Map.Entry<Domain, long[]>> rows = new ArrayList<>(domains.entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<Domain, long[]> e) -> -sum(e.getValue()))
                .thenComparing(e -> e.getKey().name()));
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) out.append(',');
            out.append("{\"domain\":");
            Json.quote(out, rows.get(i).getKey().name()).append(',');
            long[] ages = rows.get(i).getValue();
            out.append("\"messages\":").append(sum(ages)).append(",\"ages\":");
            ages(out, ages);
            out.append('}');
        }
        return out.append("]}").toString();
    }

    private static void row(StringBuilder out, long messages, long[] ages) {
        out.append("{\"messages\":").append(messages).append(",\"ages\":");
        ages(out, ages);
        out.append('}');
    }

    private static void ages(StringBuilder out, long[] ages) {
        out.append('[');
        for (int i = 0; i < ages.length; i++) out.append(i > 0 ? "," : "").append(ages[i]);
        out.append(']');
    }

    private static long sum(long[] ages) {
        long sum = 0;
        for (long n : ages) sum += n;
        return sum;
    }
}
