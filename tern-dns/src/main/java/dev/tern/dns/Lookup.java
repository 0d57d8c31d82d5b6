package dev.tern.dns;

import java.time.Duration;
import java.util.List;

/**
 * The answer to one DNS question, after CNAMEs were followed.
 *
 * <p>Only {@link NxDomain} is permanent (RFC 1035 §4.1.1 RCODE 3, authoritative). {@link TempFail} covers timeouts,
 * SERVFAIL, REFUSED, malformed answers and CNAME chains that loop or run too long: a caller retries it later and
 * never bounces on it. The TTLs say how long the answer may be reused: the smallest TTL of the records and CNAMEs
 * that made the answer for {@link Found}, and for the negative answers the SOA's negative TTL (RFC 2308 §5), or zero
 * when the server sent no SOA (then it is not cached).
 *
 * @param <T> the record type: {@link Mx}, {@link java.net.InetAddress} or {@code String} (TXT)
 */
public sealed interface Lookup<T> {
    /** At least one record. */
    record Found<T>(List<T> records, Duration ttl) implements Lookup<T> {
        public Found {
            records = List.copyOf(records);
            if (records.isEmpty()) throw new IllegalArgumentException("Found needs at least one record");
            requireTtl(ttl);
        }
    }

    /** The name exists but has no record of the type asked (RFC 2308 §2.2 NODATA). */
    record NoData<T>(Duration ttl) implements Lookup<T> {
        public NoData {
            requireTtl(ttl);
        }
    }

    /** The name does not exist (RFC 2308 §2.1 NXDOMAIN). */
    record NxDomain<T>(Duration ttl) implements Lookup<T> {
        public NxDomain {
            requireTtl(ttl);
        }
    }

    /** No usable answer now; ask again later. {@code reason} is for logs and diagnostics. */
    record TempFail<T>(String reason) implements Lookup<T> {
        public TempFail {
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a TempFail needs a reason");
        }
    }

    private static void requireTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative()) throw new IllegalArgumentException("ttl must be zero or positive");
    }
}
