package dev.tern.imap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Writes numbers as a compact sequence set ({@code 1:3,7}), as COPYUID, VANISHED and ESEARCH ALL want. */
final class Sets {
    private Sets() {}

    /** The numbers (any order, no duplicates needed) as ranges in ascending order; "" for none. */
    static String compress(Collection<? extends Number> numbers) {
        List<Long> sorted = new ArrayList<>();
        for (Number n : numbers) sorted.add(n.longValue());
        sorted.sort(null);
        StringBuilder s = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) <= sorted.get(j) + 1) j++;
            if (!s.isEmpty()) s.append(',');
            s.append(sorted.get(i));
            if (!sorted.get(j).equals(sorted.get(i))) s.append(':').append(sorted.get(j));
            i = j + 1;
        }
        return s.toString();
    }

    /** In the order given (COPYUID pairs source and target UIDs by position, RFC 4315 §3). */
    static String ordered(List<Long> numbers) {
        StringBuilder s = new StringBuilder();
        for (Long n : numbers) s.append(s.isEmpty() ? "" : ",").append(n);
        return s.toString();
    }
}
