package dev.tern.mailauth.arc;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.dkim.TagList;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the ARC Sets of a header section (RFC 8617 §5.2 steps 1 and 3). */
public final class ArcSets {
    public static final String AAR = "ARC-Authentication-Results";
    public static final String AMS = "ARC-Message-Signature";
    public static final String AS = "ARC-Seal";
    /** RFC 8617 §4.2.1.1: instances run from 1 to 50; more sets than that fail the chain (§5.2 step 1). */
    public static final int MAX_INSTANCES = 50;

    // RFC 8617 §4.1.1: arc-info = instance ";" authres-payload, instance = "i=" 1*2DIGIT (with FWS allowed).
    private static final Pattern AAR_INSTANCE = Pattern.compile("\\s*i\\s*=\\s*([0-9]{1,9})\\s*;.*", Pattern.DOTALL);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

    private ArcSets() {}

    /** The result of {@link #collect}. */
    public sealed interface Collected {
        /** No ARC field at all: the chain validation status is {@code none} (§5.2 step 1). */
        record None() implements Collected {}

        /** Sets 1..N, each complete and unique, in instance order. */
        record Chain(List<ArcSet> sets) implements Collected {
            public Chain {
                sets = List.copyOf(sets);
                if (sets.isEmpty()) throw new IllegalArgumentException("a chain has at least one set");
            }
        }

        /** ARC fields that do not form a chain (§5.2 step 3.1 and 3.2): the status is {@code fail}. */
        record Broken(String reason) implements Collected {}
    }

    /** Whether {@code field} is one of the three ARC fields. */
    public static boolean isArcField(HeaderField field) {
        return field.is(AAR) || field.is(AMS) || field.is(AS);
    }

    /** The ARC Sets of {@code headers}, or why they do not form a chain. */
    public static Collected collect(List<HeaderField> headers) {
        TreeMap<Integer, HeaderField[]> byInstance = new TreeMap<>();
        int fields = 0;
        for (HeaderField f : headers) {
            if (!isArcField(f)) continue;
            if (++fields > 3 * MAX_INSTANCES) return new Collected.Broken("more than " + MAX_INSTANCES + " ARC Sets");
            OptionalInt i = instance(f);
            if (i.isEmpty()) return new Collected.Broken(f.name() + " without a valid instance i=");
            if (i.getAsInt() < 1 || i.getAsInt() > MAX_INSTANCES) {
                return new Collected.Broken(f.name() + " instance i=" + i.getAsInt() + " outside 1.." + MAX_INSTANCES);
            }
            HeaderField[] set = byInstance.computeIfAbsent(i.getAsInt(), k -> new HeaderField[3]);
            int slot = f.is(AAR) ? 0 : f.is(AMS) ? 1 : 2;
            // §5.2 step 3.1: each ARC Set contains exactly one of each of the three fields.
            if (set[slot] != null) return new Collected.Broken("duplicate " + f.name() + " for i=" + i.getAsInt());
            set[slot] = f;
        }
        if (byInstance.isEmpty()) return new Collected.None();
        List<ArcSet> sets = new ArrayList<>(byInstance.size());
        int expected = 1;
        for (var e : byInstance.entrySet()) {
            // §5.2 step 3.2: the instances form the sequence 1..N without gaps.
            if (e.getKey() != expected) return new Collected.Broken("ARC Set i=" + expected + " is missing");
            HeaderField[] set = e.getValue();
            for (int slot = 0; slot < 3; slot++) {
                if (set[slot] == null) {
                    return new Collected.Broken("ARC Set i=" + expected + " has no " + List.of(AAR, AMS, AS).get(slot));
                }
            }
            sets.add(new ArcSet(expected, set[0], set[1], set[2]));
            expected++;
        }
        return new Collected.Chain(sets);
    }

    /** The highest instance number among the ARC fields whose {@code i=} can be read, or 0. */
    public static int highestInstance(List<HeaderField> headers) {
        int highest = 0;
        for (HeaderField f : headers) {
            if (isArcField(f)) highest = Math.max(highest, instance(f).orElse(0));
        }
        return highest;
    }

    /** The instance number {@code i=} of an ARC field, if it has a readable one. */
    public static OptionalInt instance(HeaderField field) {
        if (field.is(AAR)) {
            Matcher m = AAR_INSTANCE.matcher(field.value());
            return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
        }
        return switch (TagList.parse(field.value())) {
            case TagList.Parsed.Ok ok -> ok.tags().get("i").map(ArcSigning::strip).filter(s -> DIGITS.matcher(s)
                    .matches()).map(s -> OptionalInt.of(Integer.parseInt(s))).orElse(OptionalInt.empty());
            case TagList.Parsed.Malformed m -> OptionalInt.empty();
        };
    }
}
