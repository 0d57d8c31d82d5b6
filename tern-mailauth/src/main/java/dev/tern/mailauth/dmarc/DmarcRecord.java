package dev.tern.mailauth.dmarc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A DMARC policy record (RFC 7489 §6.3 tags, §6.4 grammar; {@code np} from RFC 9091 §4.1).
 *
 * <p>Parsing follows §6.3's leniency: {@code v=DMARC1} must come first; unknown tags are ignored; a bad value of an
 * optional tag ({@code adkim}, {@code aspf}, {@code pct}, {@code ri}, {@code np}) falls back to its default; a
 * missing or bad {@code p} (or a bad {@code sp}) makes the record {@code p=none} when {@code rua} holds at least one
 * valid URI and invalid otherwise (§6.6.3 step 6). Tag names and the policy words are matched without regard to case,
 * as OpenDMARC does.
 *
 * @param policy            {@code p}: what the domain owner asks for mail that fails
 * @param subdomainPolicy   {@code sp}: the same for subdomains that have no record of their own (else {@code p})
 * @param nonexistentPolicy {@code np} (RFC 9091): the same for subdomains that do not exist (else {@code sp})
 * @param dkimAlignment     {@code adkim}, relaxed by default
 * @param spfAlignment      {@code aspf}, relaxed by default
 * @param percent           {@code pct}: 0..100, 100 by default
 * @param rua               aggregate-report URIs ({@code !size} suffixes dropped)
 * @param ruf               failure-report URIs
 * @param failureOptions    {@code fo}, as written ({@code 0} by default)
 * @param reportInterval    {@code ri} in seconds, 86400 by default
 */
public record DmarcRecord(Policy policy, Optional<Policy> subdomainPolicy, Optional<Policy> nonexistentPolicy,
                          Alignment dkimAlignment, Alignment spfAlignment, int percent, List<URI> rua, List<URI> ruf,
                          String failureOptions, long reportInterval) {
    /** §6.3 {@code p}, {@code sp}, {@code np} values. */
    public enum Policy {
        NONE("none"), QUARANTINE("quarantine"), REJECT("reject");

        private final String token;

        Policy(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        static Optional<Policy> of(String text) {
            for (Policy p : values()) if (p.token.equalsIgnoreCase(text)) return Optional.of(p);
            return Optional.empty();
        }
    }

    /** §3.1.1, §3.1.2 alignment modes. */
    public enum Alignment {
        RELAXED("r"), STRICT("s");

        private final String token;

        Alignment(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /** A parsed record, or why the text is not one. */
    public sealed interface Parsed {
        record Valid(DmarcRecord record) implements Parsed {}

        record Invalid(String reason) implements Parsed {}
    }

    public static final long DEFAULT_REPORT_INTERVAL = 86_400;
    private static final int MAX_URIS = 32;

    public DmarcRecord {
        if (policy == null || subdomainPolicy == null || nonexistentPolicy == null || dkimAlignment == null
                || spfAlignment == null || failureOptions == null) {
            throw new IllegalArgumentException("DmarcRecord fields are required");
        }
        if (percent < 0 || percent > 100) throw new IllegalArgumentException("pct is 0..100");
        if (reportInterval < 0) throw new IllegalArgumentException("ri is not negative");
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
    }

    /** §6.6.3 step 3: a TXT record is a DMARC record when its first tag is {@code v=DMARC1}. */
    public static boolean isDmarc(String txt) {
        int semicolon = txt.indexOf(';');
        String first = (semicolon < 0 ? txt : txt.substring(0, semicolon)).strip();
        int equals = first.indexOf('=');
        return equals > 0 && first.substring(0, equals).strip().equals("v")
                && first.substring(equals + 1).strip().equals("DMARC1");
    }

    public static Parsed parse(String txt) {
        if (!isDmarc(txt)) return new Parsed.Invalid("not a v=DMARC1 record");
        Map<String, String> tags = new HashMap<>();
        for (String part : txt.split(";")) {
            String t = part.strip();
            if (t.isEmpty()) continue;
            int equals = t.indexOf('=');
            if (equals <= 0) return new Parsed.Invalid("tag without '=': " + t);
            tags.putIfAbsent(t.substring(0, equals).strip().toLowerCase(Locale.ROOT), t.substring(equals + 1).strip());
        }
        List<URI> rua = uris(tags.get("rua"));
        List<URI> ruf = uris(tags.get("ruf"));
        Optional<Policy> p = Optional.ofNullable(tags.get("p")).flatMap(Policy::of);
        Optional<Policy> sp = Optional.ofNullable(tags.get("sp")).flatMap(Policy::of);
        boolean badSp = tags.containsKey("sp") && sp.isEmpty();
        if (p.isEmpty() || badSp) {
            // §6.6.3 step 6: with a usable rua the record counts as p=none; without one it is no policy.
            if (rua.isEmpty()) return new Parsed.Invalid(p.isEmpty() ? "missing or invalid p=" : "invalid sp=");
            p = Optional.of(Policy.NONE);
            sp = Optional.empty();
        }
        Optional<Policy> np = Optional.ofNullable(tags.get("np")).flatMap(Policy::of);
        return new Parsed.Valid(new DmarcRecord(p.get(), sp, np, alignment(tags.get("adkim")),
                alignment(tags.get("aspf")), percent(tags.get("pct")), rua, ruf,
                tags.getOrDefault("fo", "0"), interval(tags.get("ri"))));
    }

    /** The policy for {@code source} ({@code sp} falls back to {@code p}, {@code np} to {@code sp}). */
    public Policy policyFor(DmarcResult.PolicySource source) {
        return switch (source) {
            case P -> policy;
            case SP -> subdomainPolicy.orElse(policy);
            case NP -> nonexistentPolicy.orElse(subdomainPolicy.orElse(policy));
        };
    }

    private static Alignment alignment(String value) {
        return value != null && value.equalsIgnoreCase("s") ? Alignment.STRICT : Alignment.RELAXED;
    }

    private static int percent(String value) {
        if (value == null || value.isEmpty() || value.length() > 3 || !value.chars().allMatch(Character::isDigit)) {
            return 100;
        }
        int pct = Integer.parseInt(value);
        return pct <= 100 ? pct : 100;
    }

    private static long interval(String value) {
        if (value == null || value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
            return DEFAULT_REPORT_INTERVAL;
        }
        return Long.parseLong(value);
    }

    /** §6.4 dmarc-uri list: comma-separated URIs, each with an optional {@code !size}; bad ones are dropped. */
    private static List<URI> uris(String value) {
        List<URI> uris = new ArrayList<>();
        if (value == null) return uris;
        for (String item : value.split(",")) {
            if (uris.size() >= MAX_URIS) break;
            String text = item.strip();
            int bang = text.lastIndexOf('!');
            if (bang > 0) text = text.substring(0, bang);
            try {
                URI uri = new URI(text);
                if (uri.getScheme() != null && !uri.getSchemeSpecificPart().isEmpty()) uris.add(uri);
            } catch (URISyntaxException e) {
                // §6.4: a bad URI is left out; the others still count
            }
        }
        return uris;
    }
}
