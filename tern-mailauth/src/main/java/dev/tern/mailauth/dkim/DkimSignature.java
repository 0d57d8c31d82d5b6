package dev.tern.mailauth.dkim;

import dev.tern.mail.Domain;
import dev.tern.mailauth.HeaderField;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed {@code DKIM-Signature:} field (RFC 6376 §3.5), checked as §6.1.1 says, except the time checks, which
 * {@link DkimVerifier} makes against its clock.
 *
 * @param length {@code l=}, or {@link BodyCanonicalizer#NO_LIMIT}
 * @param timestamp {@code t=}, or -1
 * @param expiration {@code x=}, or -1
 * @param bText the {@code b=} value without white space (for {@code header.b})
 */
public record DkimSignature(HeaderField field, SigningKey.Algorithm algorithm, String algorithmTag,
        Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization, String domain,
        String selector, List<String> headerNames, String identity, long length, long timestamp, long expiration,
        byte[] b, String bText, byte[] bodyHash) {

    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,76}");
    private static final List<String> REQUIRED = List.of("v", "a", "b", "bh", "d", "h", "s");

    public DkimSignature {
        headerNames = List.copyOf(headerNames);
        b = b.clone();
        bodyHash = bodyHash.clone();
    }

    /** The result of {@link #parse}: a signature to verify, or the result it already earned. */
    public sealed interface Parsed {
        record Ok(DkimSignature signature) implements Parsed {}

        record Invalid(DkimResult result) implements Parsed {}
    }

    /** The result of this signature, with its identifying tags filled in. */
    public DkimResult result(DkimResult.Status status, String reason) {
        return new DkimResult(status, domain, selector, algorithmTag, identity, headerB(bText),
                length != BodyCanonicalizer.NO_LIMIT, reason);
    }

    /** Parses one {@code DKIM-Signature:} field. */
    public static Parsed parse(HeaderField field) {
        TagList tags;
        switch (TagList.parse(field.value())) {
            case TagList.Parsed.Ok ok -> tags = ok.tags();
            case TagList.Parsed.Malformed m -> {
                return invalid(DkimResult.Status.NEUTRAL, "", "", "", "", "", false, "malformed tag list: "
                        + m.reason());
            }
        }
        String d = tags.get("d").orElse("");
        String s = tags.get("s").orElse("");
        String a = tags.get("a").orElse("");
        String bText = tags.get("b").map(DkimSignature::noWhiteSpace).orElse("");
        boolean limited = tags.has("l");
        String i = tags.get("i").orElse(d.isEmpty() ? "" : "@" + d);
        Partial bad = new Partial(d, s, a, i, bText, limited);
        for (String tag : REQUIRED) {
            if (!tags.has(tag)) return bad.of(DkimResult.Status.NEUTRAL, "missing required tag " + tag + "=");
        }
        if (!tags.get("v").orElseThrow().equals("1")) return bad.of(DkimResult.Status.NEUTRAL, "v= is not 1");
        Optional<SigningKey.Algorithm> algorithm = SigningKey.Algorithm.of(a);
        if (a.equalsIgnoreCase("rsa-sha1")) {
            // RFC 8301 §3.1: verifiers MUST NOT consider rsa-sha1 signatures valid; we do not process them.
            return bad.of(DkimResult.Status.PERMERROR, "rsa-sha1 is not accepted (RFC 8301)");
        }
        if (algorithm.isEmpty()) return bad.of(DkimResult.Status.PERMERROR, "unsupported algorithm");
        Canonicalization[] canon = canonicalization(tags.get("c").orElse("simple/simple"));
        if (canon == null) return bad.of(DkimResult.Status.PERMERROR, "unsupported canonicalization");
        String domain;
        try {
            Domain parsed = Domain.parse(d);
            if (parsed.isLiteral()) return bad.of(DkimResult.Status.NEUTRAL, "d= is an address literal");
            domain = parsed.name();
        } catch (IllegalArgumentException e) {
            return bad.of(DkimResult.Status.NEUTRAL, "d= is not a domain");
        }
        if (!SELECTOR.matcher(s).matches()) return bad.of(DkimResult.Status.NEUTRAL, "s= is not a selector");
        List<String> names = Arrays.stream(tags.get("h").orElseThrow().split(":", -1)).map(TagList::strip).toList();
        if (names.stream().anyMatch(String::isEmpty)) return bad.of(DkimResult.Status.NEUTRAL, "empty name in h=");
        // RFC 6376 §5.4: the From field MUST be signed.
        if (names.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) {
            return bad.of(DkimResult.Status.PERMERROR, "From is not signed");
        }
        int at = i.lastIndexOf('@');
        if (at < 0) return bad.of(DkimResult.Status.NEUTRAL, "i= has no @");
        // §3.5 i=: the domain of i= is d= or one of its subdomains.
        if (!isSameOrSubdomain(i.substring(at + 1), domain)) {
            return bad.of(DkimResult.Status.PERMERROR, "i= is not within d=");
        }
        if (tags.has("q") && Arrays.stream(tags.get("q").orElseThrow().split(":"))
                .noneMatch(q -> TagList.strip(q).equalsIgnoreCase("dns/txt"))) {
            return bad.of(DkimResult.Status.PERMERROR, "unsupported query method");
        }
        long l = number(tags.get("l"), BodyCanonicalizer.NO_LIMIT);
        long t = number(tags.get("t"), -1);
        long x = number(tags.get("x"), -1);
        if (l == -2 || t == -2 || x == -2) return bad.of(DkimResult.Status.NEUTRAL, "l=, t= or x= is not a number");
        if (t >= 0 && x >= 0 && x < t) return bad.of(DkimResult.Status.NEUTRAL, "x= is before t=");
        byte[] bytes = base64(bText);
        byte[] bh = base64(tags.get("bh").map(DkimSignature::noWhiteSpace).orElseThrow());
        if (bytes == null || bytes.length == 0 || bh == null || bh.length == 0) {
            return bad.of(DkimResult.Status.NEUTRAL, "b= or bh= is not base64");
        }
        return new Parsed.Ok(new DkimSignature(field, algorithm.orElseThrow(), a, canon[0], canon[1], d, s, names, i,
                l, t, x, bytes, bText, bh));
    }

    static String headerB(String bText) {
        return bText.length() <= 8 ? bText : bText.substring(0, 8);
    }

    static boolean isSameOrSubdomain(String name, String domain) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) n = n.substring(0, n.length() - 1);
        return n.equals(domain) || n.endsWith("." + domain);
    }

    private static Canonicalization[] canonicalization(String c) {
        String[] parts = c.split("/", -1);
        if (parts.length > 2) return null;
        Optional<Canonicalization> header = Canonicalization.of(TagList.strip(parts[0]));
        Optional<Canonicalization> body = parts.length == 1 ? Optional.of(Canonicalization.SIMPLE)
                : Canonicalization.of(TagList.strip(parts[1]));
        if (header.isEmpty() || body.isEmpty()) return null;
        return new Canonicalization[] {header.get(), body.get()};
    }

    /** A decimal tag value; {@code absent} when missing, -2 when malformed; more than 18 digits saturate. */
    private static long number(Optional<String> text, long absent) {
        if (text.isEmpty()) return absent;
        String s = text.get();
        if (!DIGITS.matcher(s).matches()) return -2;
        return s.length() > 18 ? Long.MAX_VALUE : Long.parseLong(s);
    }

    static String noWhiteSpace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.append(c);
        }
        return out.toString();
    }

    static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null; // not base64: the caller reports a syntax error
        }
    }

    private static Parsed invalid(DkimResult.Status status, String d, String s, String a, String i, String bText,
            boolean limited, String reason) {
        return new Parsed.Invalid(new DkimResult(status, d, s, a, i, headerB(bText), limited, reason));
    }

    private record Partial(String d, String s, String a, String i, String bText, boolean limited) {
        Parsed of(DkimResult.Status status, String reason) {
            return invalid(status, d, s, a, i, bText, limited, reason);
        }
    }
}
