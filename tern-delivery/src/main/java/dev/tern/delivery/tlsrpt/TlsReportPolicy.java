package dev.tern.delivery.tlsrpt;

import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import dev.tern.mail.Mailbox;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A domain's TLS-RPT policy: the {@code rua} destinations of its {@code _smtp._tls} TXT record (RFC 8460 §3), the
 * ones Tern can use ({@code mailto:} and {@code https:}), in the record's order.
 */
public record TlsReportPolicy(List<Destination> destinations) {
    /** At most this many destinations of one record are used; the rest are ignored (a record is not a mailing list). */
    public static final int MAX_DESTINATIONS = 10;

    private static final String VERSION = "v=TLSRPTv1"; // RFC 8460 §3: %s"v=TLSRPTv1", case-sensitive
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

    public TlsReportPolicy {
        destinations = List.copyOf(destinations);
        if (destinations.isEmpty() || destinations.size() > MAX_DESTINATIONS) {
            throw new IllegalArgumentException("a policy needs 1.." + MAX_DESTINATIONS + " destinations");
        }
    }

    /** Where a report goes. */
    public sealed interface Destination {
        /** The URI as the record gave it; the key under which a sent report is remembered. */
        String uri();

        record Mail(String uri, Mailbox mailbox) implements Destination {}

        record Https(String uri, URI target) implements Destination {}
    }

    /** What parsing one record came to. */
    public sealed interface Parsed {
        record Valid(TlsReportPolicy policy) implements Parsed {}

        record Invalid(String reason) implements Parsed {}
    }

    /** What looking up a domain's record came to. */
    public sealed interface Discovery {
        record Published(TlsReportPolicy policy) implements Discovery {}

        /** No record, several, or a broken one: RFC 8460 §3 says to treat the domain as not implementing TLS-RPT. */
        record None(String reason) implements Discovery {}

        /** DNS gave no usable answer now; ask again later. */
        record TempFail(String reason) implements Discovery {}
    }

    /** Looks up {@code _smtp._tls.<policyDomain>} (RFC 8460 §3); never throws for what DNS answers. */
    public static Discovery lookup(Resolver resolver, String policyDomain) {
        Lookup<String> answer;
        try {
            answer = resolver.txt("_smtp._tls." + policyDomain);
        } catch (IllegalArgumentException e) {
            return new Discovery.None("not a DNS name");
        }
        return switch (answer) {
            case Lookup.Found<String> found -> select(found.records());
            case Lookup.NoData<String> noData -> new Discovery.None("no TXT record");
            case Lookup.NxDomain<String> nx -> new Discovery.None("no such name");
            case Lookup.TempFail<String> fail -> new Discovery.TempFail(fail.reason());
        };
    }

    /**
     * RFC 8460 §3: records that do not begin with {@code v=TLSRPTv1;} are discarded; unless exactly one remains and
     * it is valid, the domain does not implement TLS-RPT.
     */
    static Discovery select(List<String> records) {
        List<String> candidates = records.stream().filter(TlsReportPolicy::isVersioned).toList();
        if (candidates.size() != 1) return new Discovery.None(candidates.size() + " TLSRPTv1 records");
        return switch (parse(candidates.getFirst())) {
            case Parsed.Valid valid -> new Discovery.Published(valid.policy());
            case Parsed.Invalid invalid -> new Discovery.None(invalid.reason());
        };
    }

    private static boolean isVersioned(String record) {
        if (!record.startsWith(VERSION)) return false;
        String rest = record.substring(VERSION.length()).stripLeading();
        return rest.startsWith(";");
    }

    /**
     * Parses one record (RFC 8460 §3): {@code v=TLSRPTv1} then {@code ;}-separated fields, at least one {@code rua}
     * (several are joined); unknown extension fields are ignored, malformed ones make the record invalid. A
     * {@code rua} URI with an unencoded {@code ,} or {@code !} is malformed (so a DMARC-style {@code !10m} size
     * limit is not TLS-RPT). URIs of other schemes than mailto and https are skipped.
     */
    public static Parsed parse(String record) {
        if (!isVersioned(record)) return new Parsed.Invalid("does not start with v=TLSRPTv1;");
        String[] fields = record.split(";", -1);
        List<Destination> destinations = new ArrayList<>();
        boolean sawRua = false;
        for (int i = 1; i < fields.length; i++) {
            String field = strip(fields[i]);
            if (field.isEmpty()) {
                if (i == fields.length - 1 && i > 1) break; // one trailing field-delim is allowed
                return new Parsed.Invalid("empty field");
            }
            int eq = field.indexOf('=');
            if (eq <= 0) return new Parsed.Invalid("field without a value");
            String name = field.substring(0, eq);
            String value = field.substring(eq + 1);
            if (name.equals("rua")) {
                sawRua = true;
                for (String uri : value.split(",", -1)) {
                    Parsed bad = addDestination(strip(uri), destinations);
                    if (bad != null) return bad;
                }
            } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                return new Parsed.Invalid("malformed field " + name);
            }
        }
        if (!sawRua) return new Parsed.Invalid("no rua");
        if (destinations.isEmpty()) return new Parsed.Invalid("no mailto or https rua");
        return new Parsed.Valid(new TlsReportPolicy(destinations.subList(0, Math.min(destinations.size(),
                MAX_DESTINATIONS))));
    }

    /** Adds {@code text}'s destination if usable; returns the reason when the URI is malformed, else null. */
    private static Parsed addDestination(String text, List<Destination> destinations) {
        if (text.isEmpty() || text.indexOf('!') >= 0) return new Parsed.Invalid("malformed rua URI");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return new Parsed.Invalid("malformed rua URI");
        }
        if (uri.getScheme() == null) return new Parsed.Invalid("rua URI without a scheme");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("mailto")) {
            Mailbox mailbox = mailbox(uri);
            if (mailbox == null) return new Parsed.Invalid("malformed mailto rua");
            if (!contains(destinations, text)) destinations.add(new Destination.Mail(text, mailbox));
        } else if (scheme.equals("https")) {
            if (uri.getHost() == null || uri.getRawUserInfo() != null) return new Parsed.Invalid("malformed https rua");
            if (!contains(destinations, text)) destinations.add(new Destination.Https(text, uri));
        }
        return null; // another scheme: valid, but not one Tern sends to
    }

    /** RFC 6068: {@code mailto:addr[?hfields]}, one address; hfields are ignored. */
    private static Mailbox mailbox(URI uri) {
        String part = uri.getRawSchemeSpecificPart();
        int query = part.indexOf('?');
        if (query >= 0) part = part.substring(0, query);
        String address;
        try {
            address = URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1 || address.indexOf(',') >= 0) return null;
        try {
            return Mailbox.of(address.substring(0, at), address.substring(at + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean contains(List<Destination> destinations, String uri) {
        return destinations.stream().anyMatch(d -> d.uri().equals(uri));
    }

    /** RFC 8460 §3 field-delim: {@code *WSP ";" *WSP}; WSP is space and tab. */
    private static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) start++;
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) end--;
        return text.substring(start, end);
    }
}
