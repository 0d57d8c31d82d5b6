package dev.tern.mailauth.arc;

import dev.tern.mail.Domain;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.dkim.SigningKey;
import dev.tern.mailauth.dkim.TagList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The tags the AMS and the AS share with a DKIM signature (RFC 8617 §4.1.2, §4.1.3; RFC 6376 §3.5). */
record ArcSignatureTags(HeaderField field, TagList tags, int instance, SigningKey.Algorithm algorithm, String domain,
        String selector, byte[] b) {
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*");

    ArcSignatureTags {
        b = b.clone();
    }

    /** Parses the tag list of {@code field}, which must have every tag in {@code required}. */
    static Parsed<ArcSignatureTags> parse(HeaderField field, List<String> required) {
        TagList tags;
        switch (TagList.parse(field.value())) {
            case TagList.Parsed.Ok ok -> tags = ok.tags();
            case TagList.Parsed.Malformed m -> {
                return new Parsed.Invalid<>(field.name() + " has a malformed tag list: " + m.reason());
            }
        }
        for (String tag : required) {
            if (!tags.has(tag)) return new Parsed.Invalid<>(field.name() + " has no " + tag + "=");
        }
        int instance = ArcSets.instance(field).orElse(-1);
        if (instance < 1 || instance > ArcSets.MAX_INSTANCES) return new Parsed.Invalid<>(field.name() + " bad i=");
        String a = tags.get("a").orElseThrow();
        // RFC 8617 §4.1.3 names rsa-sha256; Ed25519 (RFC 8463) is accepted too. RFC 8301: never rsa-sha1.
        Optional<SigningKey.Algorithm> algorithm = SigningKey.Algorithm.of(a);
        if (algorithm.isEmpty()) return new Parsed.Invalid<>(field.name() + " has an unsupported algorithm " + a);
        String domain;
        try {
            Domain d = Domain.parse(tags.get("d").orElseThrow());
            if (d.isLiteral()) return new Parsed.Invalid<>(field.name() + " d= is an address literal");
            domain = d.name();
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid<>(field.name() + " d= is not a domain");
        }
        String selector = tags.get("s").orElseThrow();
        if (!SELECTOR.matcher(selector).matches()) return new Parsed.Invalid<>(field.name() + " s= is not a selector");
        byte[] b = ArcSigning.base64(ArcSigning.noWhiteSpace(tags.get("b").orElseThrow()));
        if (b == null || b.length == 0) return new Parsed.Invalid<>(field.name() + " b= is not base64");
        return new Parsed.Ok<>(new ArcSignatureTags(field, tags, instance, algorithm.orElseThrow(), domain, selector,
                b));
    }

    /** Where the key is published: {@code s._domainkey.d} (RFC 8617 §4.1.3, as RFC 6376 §3.6.2.1). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }
}
