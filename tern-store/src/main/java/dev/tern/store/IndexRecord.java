package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One record of a folder's index ({@code docs/store.md}). The log holds transactions of records, one framed
 * transaction per commit; the snapshot holds {@link State}, one {@link Append} per live message, the tombstones as
 * {@link Expunge} records and an {@link End}.
 */
sealed interface IndexRecord {
    /** The first record of a folder's first log: its UIDVALIDITY. */
    record Init(long uidValidity) implements IndexRecord {
        public Init {
            if (uidValidity < 1 || uidValidity > 0xFFFF_FFFFL) throw new IllegalArgumentException("bad uidvalidity");
        }
    }

    /** A message got {@code uid}; {@code file} is its name in cur/ (the part before ':' is its basename). */
    record Append(long uid, String file, Instant internalDate, long size, Set<String> flags, long modSeq)
            implements IndexRecord {
        public Append {
            if (uid < 1 || file == null || file.isEmpty() || internalDate == null || size < 0 || modSeq < 1) {
                throw new IllegalArgumentException("bad append record");
            }
            internalDate = internalDate.truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // what the log keeps
            flags = Set.copyOf(flags);
        }

        String basename() {
            int info = file.indexOf(':');
            return info < 0 ? file : file.substring(0, info);
        }
    }

    /** The flags of {@code uid} are now {@code flags}. */
    record Flags(long uid, Set<String> flags, long modSeq) implements IndexRecord {
        public Flags {
            if (uid < 1 || modSeq < 1) throw new IllegalArgumentException("bad flags record");
            flags = Set.copyOf(flags);
        }
    }

    /** These UIDs are gone, at {@code modSeq}; in a snapshot, the tombstones kept for QRESYNC. */
    record Expunge(List<Long> uids, long modSeq) implements IndexRecord {
        public Expunge {
            uids = List.copyOf(uids);
            if (modSeq < 1) throw new IllegalArgumentException("bad expunge record");
        }
    }

    /** A snapshot's header: the counters it covers; log transactions at or below highestModSeq are in it. */
    record State(long uidValidity, long uidNext, long highestModSeq, long expungeHorizon) implements IndexRecord {
        public State {
            if (uidValidity < 1 || uidNext < 1 || highestModSeq < 1 || expungeHorizon < 0) {
                throw new IllegalArgumentException("bad state record");
            }
        }
    }

    /** A snapshot's trailer: how many records came before it, so a short snapshot is seen as such. */
    record End(long records) implements IndexRecord {}
}
