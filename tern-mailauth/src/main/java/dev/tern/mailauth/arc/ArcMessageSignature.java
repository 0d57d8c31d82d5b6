package dev.tern.mailauth.arc;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.dkim.BodyCanonicalizer;
import dev.tern.mailauth.dkim.Canonicalization;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed {@code ARC-Message-Signature:} (RFC 8617 §4.1.2): a DKIM signature without {@code v=}, whose {@code i=}
 * is the instance, not an identity.
 *
 * @param length {@code l=}, or {@link BodyCanonicalizer#NO_LIMIT}
 * @param expiration {@code x=}, or -1
 */
record ArcMessageSignature(ArcSignatureTags tags, Canonicalization headerCanonicalization,
        Canonicalization bodyCanonicalization, List<String> headerNames, long length, long expiration,
        byte[] bodyHash) {
    private static final List<String> REQUIRED = List.of("i", "a", "b", "bh", "d", "h", "s");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    ArcMessageSignature {
        headerNames = List.copyOf(headerNames);
        bodyHash = bodyHash.clone();
    }

    static Parsed<ArcMessageSignature> parse(HeaderField field) {
        ArcSignatureTags t;
        switch (ArcSignatureTags.parse(field, REQUIRED)) {
            case Parsed.Ok<ArcSignatureTags> ok -> t = ok.value();
            case Parsed.Invalid<ArcSignatureTags> bad -> {
                return new Parsed.Invalid<>(bad.reason());
            }
        }
        // As RFC 6376 §3.5 c=: simple/simple when absent.
        String c = t.tags().get("c").orElse("simple/simple");
        String[] parts = c.split("/", -1);
        Optional<Canonicalization> header = Canonicalization.of(ArcSigning.strip(parts[0]));
        Optional<Canonicalization> body = parts.length == 1 ? Optional.of(Canonicalization.SIMPLE)
                : Canonicalization.of(ArcSigning.strip(parts[1]));
        if (parts.length > 2 || header.isEmpty() || body.isEmpty()) return invalid("unsupported c=" + c);
        List<String> names = Arrays.stream(t.tags().get("h").orElseThrow().split(":", -1)).map(ArcSigning::strip)
                .toList();
        if (names.stream().anyMatch(String::isEmpty)) return invalid("an empty name in h=");
        if (names.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) return invalid("From is not signed");
        // RFC 8617 §4.1.2: the AMS does not sign ARC-Seal fields (they are the AS's business).
        if (names.stream().anyMatch(n -> n.equalsIgnoreCase(ArcSets.AS))) return invalid("h= names ARC-Seal");
        long l = number(t.tags().get("l"), BodyCanonicalizer.NO_LIMIT);
        long x = number(t.tags().get("x"), -1);
        if (l == -2 || x == -2) return invalid("l= or x= is not a number");
        byte[] bh = ArcSigning.base64(ArcSigning.noWhiteSpace(t.tags().get("bh").orElseThrow()));
        if (bh == null || bh.length == 0) return invalid("bh= is not base64");
        return new Parsed.Ok<>(new ArcMessageSignature(t, header.get(), body.get(), names, l, x, bh));
    }

    int instance() {
        return tags.instance();
    }

    private static Parsed<ArcMessageSignature> invalid(String reason) {
        return new Parsed.Invalid<>(ArcSets.AMS + " " + reason);
    }

    private static long number(Optional<String> text, long absent) {
        if (text.isEmpty()) return absent;
        return DIGITS.matcher(text.get()).matches() ? Long.parseLong(text.get()) : -2;
    }
}
