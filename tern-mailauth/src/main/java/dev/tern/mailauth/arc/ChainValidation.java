package dev.tern.mailauth.arc;

import java.util.Locale;
import java.util.Optional;

/** The chain validation status of an {@code ARC-Seal:}'s {@code cv=} tag (RFC 8617 §4.1.3). */
public enum ChainValidation {
    /** No chain before this set: only instance 1 says so. */
    NONE,
    /** The chain as received validated. */
    PASS,
    /** The chain as received did not (or could not) validate; the chain ends here (§5.1, §5.2 step 2). */
    FAIL;

    /** The value as written in {@code cv=}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named {@code value} (case-insensitive), if it is one. */
    public static Optional<ChainValidation> of(String value) {
        for (ChainValidation v : values()) if (v.tag().equalsIgnoreCase(value)) return Optional.of(v);
        return Optional.empty();
    }
}
