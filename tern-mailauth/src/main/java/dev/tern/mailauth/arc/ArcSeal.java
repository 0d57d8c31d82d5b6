package dev.tern.mailauth.arc;

import dev.tern.mailauth.HeaderField;
import java.util.List;
import java.util.Optional;

/** A parsed {@code ARC-Seal:} (RFC 8617 §4.1.3): {@code i a b cv d s} and {@code t}; never {@code h=}. */
record ArcSeal(ArcSignatureTags tags, ChainValidation cv) {
    private static final List<String> REQUIRED = List.of("i", "a", "b", "cv", "d", "s");

    static Parsed<ArcSeal> parse(HeaderField field) {
        ArcSignatureTags t;
        switch (ArcSignatureTags.parse(field, REQUIRED)) {
            case Parsed.Ok<ArcSignatureTags> ok -> t = ok.value();
            case Parsed.Invalid<ArcSignatureTags> bad -> {
                return new Parsed.Invalid<>(bad.reason());
            }
        }
        // §4.1.3: the AS signs the ARC Sets, never a list of fields; an h= makes it invalid.
        if (t.tags().has("h")) return new Parsed.Invalid<>(ArcSets.AS + " has an h= tag");
        Optional<ChainValidation> cv = ChainValidation.of(t.tags().get("cv").orElseThrow());
        if (cv.isEmpty()) return new Parsed.Invalid<>(ArcSets.AS + " has an unknown cv= value");
        return new Parsed.Ok<>(new ArcSeal(t, cv.get()));
    }

    int instance() {
        return tags.instance();
    }
}
