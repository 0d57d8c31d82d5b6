package dev.tern.delivery.sts;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code _mta-sts.<domain>} TXT record (RFC 8461 §3.1): {@code v=STSv1; id=<1-32 letters and digits>;} plus
 * extension fields, which are ignored.
 *
 * @param id the policy's id; a change tells the sender to fetch the policy again (RFC 8461 §5.1)
 */
public record StsRecord(String id) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    // RFC 8461 §3.1: sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    // sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): visible characters but ";" and "="
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3A\\x3C\\x3E-\\x7E]+");
    private static final String VERSION = "v=STSv1";

    public StsRecord {
        if (id == null || !ID.matcher(id).matches()) throw new IllegalArgumentException("an STS id is 1-32 letters and digits");
    }

    /**
     * The record among a name's TXT records (RFC 8461 §3.1): those not starting with {@code v=STSv1} are not STS
     * records; when the number left is not one, or that one is invalid, there is no policy (empty).
     */
    public static Optional<StsRecord> select(List<String> txt) {
        List<String> candidates = txt.stream().filter(t -> t.startsWith(VERSION)).toList();
        if (candidates.size() != 1) return Optional.empty();
        return parse(candidates.getFirst());
    }

    /** One TXT record's text; empty when it is no valid STSv1 record. */
    public static Optional<StsRecord> parse(String text) {
        if (!text.startsWith(VERSION)) return Optional.empty();
        String rest = text.substring(VERSION.length());
        // sts-text-record = sts-version 1*(sts-sep sts-field) [sts-sep]; sts-sep = *WSP ";" *WSP
        if (!wsp(rest).startsWith(";")) return Optional.empty();
        String[] fields = wsp(rest).substring(1).split(";", -1);
        String id = null;
        for (int i = 0; i < fields.length; i++) {
            String field = strip(fields[i]);
            if (field.isEmpty()) {
                if (i == fields.length - 1 && i > 0) break; // the optional trailing separator
                return Optional.empty();
            }
            int equals = field.indexOf('=');
            if (equals <= 0) return Optional.empty();
            String name = field.substring(0, equals);
            String value = field.substring(equals + 1);
            if (name.equals("id")) {
                if (id != null || !ID.matcher(value).matches()) return Optional.empty();
                id = value;
            } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                return Optional.empty();
            }
        }
        return id == null ? Optional.empty() : Optional.of(new StsRecord(id));
    }

    private static String wsp(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        return s.substring(i);
    }

    private static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) start++;
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) end--;
        return s.substring(start, end);
    }
}
