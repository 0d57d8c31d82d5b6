package dev.tern.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A sequence set (RFC 9051 §9 {@code sequence-set}): message sequence numbers or UIDs as ranges, {@code *} for
 * the largest in use, or {@code $}, the result SEARCH ... RETURN (SAVE) kept (RFC 5182 §2.1).
 */
public record SequenceSet(List<Range> ranges, boolean saved) {
    /** {@code *}: the largest number in use, which only the mailbox knows. */
    public static final long STAR = -1;
    /** RFC 9051 §9: nz-number is a 32-bit unsigned number. */
    public static final long MAX = 4_294_967_295L;

    public static final SequenceSet SAVED = new SequenceSet(List.of(), true);

    /** {@code first:last} with {@code first <= last}; {@code *:4} is held as {@code 4:*} (§9: order does not matter). */
    public record Range(long first, long last) {
        public Range {
            if (!valid(first) || !valid(last)) throw new IllegalArgumentException("not a sequence number");
            if (first == STAR && last != STAR) {
                first = last;
                last = STAR;
            } else if (last != STAR && first > last) {
                long t = first;
                first = last;
                last = t;
            }
        }

        private static boolean valid(long n) {
            return n == STAR || (n >= 1 && n <= MAX);
        }

        /** Whether {@code n} is in this range when {@code largest} is what {@code *} stands for. */
        public boolean contains(long n, long largest) {
            long a = first == STAR ? largest : first;
            long b = last == STAR ? largest : last;
            return n >= Math.min(a, b) && n <= Math.max(a, b);
        }

        @Override
        public String toString() {
            String a = first == STAR ? "*" : Long.toString(first);
            String b = last == STAR ? "*" : Long.toString(last);
            return first == last ? a : a + ":" + b;
        }
    }

    public SequenceSet {
        ranges = List.copyOf(ranges);
        if (saved != ranges.isEmpty()) throw new IllegalArgumentException("a set is either $ or at least one range");
    }

    public static SequenceSet of(long first, long last) {
        return new SequenceSet(List.of(new Range(first, last)), false);
    }

    public static SequenceSet of(long n) {
        return of(n, n);
    }

    /** Parses {@code 1:3,5,7:*} or {@code $}; empty when the text is not a sequence set. */
    public static Optional<SequenceSet> parse(String text) {
        if (text.equals("$")) return Optional.of(SAVED);
        List<Range> ranges = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int colon = part.indexOf(':');
            long a = number(colon < 0 ? part : part.substring(0, colon));
            long b = colon < 0 ? a : number(part.substring(colon + 1));
            if (a == 0 || b == 0) return Optional.empty();
            ranges.add(new Range(a, b));
        }
        return Optional.of(new SequenceSet(ranges, false));
    }

    /** The number, {@link #STAR}, or 0 when the text is neither. */
    private static long number(String s) {
        if (s.equals("*")) return STAR;
        if (s.isEmpty() || s.length() > 10 || s.charAt(0) == '0') return 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return 0;
        long n = Long.parseLong(s);
        return n > MAX ? 0 : n;
    }

    /** Whether {@code n} is in the set; {@code $} must be resolved by the session first. */
    public boolean contains(long n, long largest) {
        if (saved) throw new IllegalStateException("resolve $ before testing membership");
        for (Range r : ranges) if (r.contains(n, largest)) return true;
        return false;
    }

    @Override
    public String toString() {
        if (saved) return "$";
        StringBuilder s = new StringBuilder();
        for (Range r : ranges) s.append(s.isEmpty() ? "" : ",").append(r);
        return s.toString();
    }
}
