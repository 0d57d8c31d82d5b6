package dev.tern.smtp;

import dev.tern.mail.MailOptions;
import dev.tern.mail.Notify;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ESMTP parameters after the path of MAIL and RCPT (RFC 5321 §4.1.2 {@code Mail-parameters},
 * {@code Rcpt-parameters}). Unknown keywords are 555 5.5.4 (RFC 5321 §4.1.1.11); a malformed or repeated
 * parameter is 501 5.5.4.
 */
final class EsmtpParameters {
    private EsmtpParameters() {}

    // RFC 5321 §4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    // RFC 1870 §3: size-value = 1*20DIGIT.
    private static final Pattern SIZE = Pattern.compile("[0-9]{1,20}");
    // RFC 3461 §4.2: addr-type is an atom; the registered ones are LDH words (rfc822, x400, utf-8).
    private static final Pattern ADDR_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    // RFC 3461 §4.4: ENVID at most 100 characters; §4.2: ORCPT at most 500.
    private static final int MAX_ENVID = 100;
    private static final int MAX_ORCPT = 500;

    /** The DSN parameters of one RCPT. */
    record RcptOptions(Set<Notify> notifyOn, String orcpt) {}

    static Parsed<MailOptions> mail(String text) {
        Parsed<Map<String, String>> split = split(text);
        if (!(split instanceof Parsed.Ok<Map<String, String>>(var params))) return failedAs(split);
        long size = 0;
        MailOptions.Body body = MailOptions.Body.UNSPECIFIED;
        boolean smtpUtf8 = false;
        MailOptions.Ret ret = MailOptions.Ret.UNSPECIFIED;
        String envId = "";
        boolean requireTls = false;
        for (Map.Entry<String, String> param : params.entrySet()) {
            String value = param.getValue();
            switch (param.getKey()) {
                case "SIZE" -> {
                    if (!SIZE.matcher(value).matches()) return Parsed.failed(Replies.BAD_PARAMETER);
                    size = sizeOf(value);
                }
                case "BODY" -> {
                    // RFC 6152 §2: 7BIT or 8BITMIME; BINARYMIME (RFC 3030 §3) is not advertised.
                    switch (value.toUpperCase(Locale.ROOT)) {
                        case "7BIT" -> body = MailOptions.Body.SEVEN_BIT;
                        case "8BITMIME" -> body = MailOptions.Body.EIGHT_BIT_MIME;
                        case "BINARYMIME" -> { return Parsed.failed(Replies.UNKNOWN_PARAMETER); }
                        default -> { return Parsed.failed(Replies.BAD_PARAMETER); }
                    }
                }
                case "SMTPUTF8" -> {
                    // RFC 6531 §3.4: the keyword takes no value.
                    if (!value.isEmpty()) return Parsed.failed(Replies.BAD_PARAMETER);
                    smtpUtf8 = true;
                }
                case "REQUIRETLS" -> {
                    // RFC 8689 §4: the option takes no value; whether the session may use it is the session's call.
                    if (!value.isEmpty()) return Parsed.failed(Replies.BAD_PARAMETER);
                    requireTls = true;
                }
                case "RET" -> {
                    // RFC 3461 §4.3: RET=FULL or RET=HDRS.
                    switch (value.toUpperCase(Locale.ROOT)) {
                        case "FULL" -> ret = MailOptions.Ret.FULL;
                        case "HDRS" -> ret = MailOptions.Ret.HDRS;
                        default -> { return Parsed.failed(Replies.BAD_PARAMETER); }
                    }
                }
                case "ENVID" -> {
                    // RFC 3461 §4.4: xtext, at most 100 characters.
                    Optional<String> decoded = Xtext.decode(value);
                    if (decoded.isEmpty() || decoded.get().isEmpty() || value.length() > MAX_ENVID) {
                        return Parsed.failed(Replies.BAD_PARAMETER);
                    }
                    envId = decoded.get();
                }
                case "AUTH" -> {
                    // RFC 4954 §5: AUTH=<> or AUTH=xtext(mailbox). A server that offers AUTH accepts it; it
                    // may discard what it does not trust and must not pass on one from an unauthenticated
                    // client. Tern trusts no client's word for this: the value is checked and discarded (the
                    // authenticated identity, not this parameter, says who submitted).
                    if (!"<>".equals(value) && Xtext.decode(value).filter(s -> !s.isBlank()).isEmpty()) {
                        return Parsed.failed(Replies.BAD_PARAMETER);
                    }
                }
                default -> { return Parsed.failed(Replies.UNKNOWN_PARAMETER); }
            }
        }
        return Parsed.ok(new MailOptions(size, body, smtpUtf8, ret, envId, requireTls));
    }

    static Parsed<RcptOptions> rcpt(String text) {
        Parsed<Map<String, String>> split = split(text);
        if (!(split instanceof Parsed.Ok<Map<String, String>>(var params))) return failedAs(split);
        Set<Notify> notify = Set.of();
        String orcpt = "";
        for (Map.Entry<String, String> param : params.entrySet()) {
            String value = param.getValue();
            switch (param.getKey()) {
                case "NOTIFY" -> {
                    Optional<Set<Notify>> parsed = notify(value);
                    if (parsed.isEmpty()) return Parsed.failed(Replies.BAD_PARAMETER);
                    notify = parsed.get();
                }
                case "ORCPT" -> {
                    Optional<String> parsed = orcpt(value);
                    if (parsed.isEmpty()) return Parsed.failed(Replies.BAD_PARAMETER);
                    orcpt = parsed.get();
                }
                default -> { return Parsed.failed(Replies.UNKNOWN_PARAMETER); }
            }
        }
        return Parsed.ok(new RcptOptions(notify, orcpt));
    }

    /** RFC 3461 §4.1: NEVER alone, or a comma list of SUCCESS, FAILURE, DELAY, each at most once. */
    private static Optional<Set<Notify>> notify(String value) {
        EnumSet<Notify> set = EnumSet.noneOf(Notify.class);
        for (String word : value.split(",", -1)) {
            Notify keyword = switch (word.toUpperCase(Locale.ROOT)) {
                case "NEVER" -> Notify.NEVER;
                case "SUCCESS" -> Notify.SUCCESS;
                case "FAILURE" -> Notify.FAILURE;
                case "DELAY" -> Notify.DELAY;
                default -> null;
            };
            if (keyword == null || !set.add(keyword)) return Optional.empty();
        }
        if (set.contains(Notify.NEVER) && set.size() > 1) return Optional.empty();
        return Optional.of(set);
    }

    /** RFC 3461 §4.2: ORCPT=addr-type ";" xtext, kept as {@code addr-type;decoded}. */
    private static Optional<String> orcpt(String value) {
        int semicolon = value.indexOf(';');
        if (semicolon < 0 || value.length() > MAX_ORCPT) return Optional.empty();
        String type = value.substring(0, semicolon);
        if (!ADDR_TYPE.matcher(type).matches()) return Optional.empty();
        return Xtext.decode(value.substring(semicolon + 1))
                .filter(address -> !address.isBlank())
                .map(address -> type + ";" + address);
    }

    /**
     * Splits {@code KEY[=VALUE]} words separated by spaces, keywords upper-cased, "" for a keyword without a
     * value. RFC 5321 §4.1.2: esmtp-value = 1*(%d33-60 / %d62-126); none of Tern's parameters takes UTF-8.
     */
    private static Parsed<Map<String, String>> split(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String word : text.split(" +")) {
            if (word.isEmpty()) continue;
            int eq = word.indexOf('=');
            String keyword = eq < 0 ? word : word.substring(0, eq);
            String value = eq < 0 ? "" : word.substring(eq + 1);
            if (!KEYWORD.matcher(keyword).matches()) return Parsed.failed(Replies.BAD_PARAMETER);
            if (eq >= 0 && !isEsmtpValue(value)) return Parsed.failed(Replies.BAD_PARAMETER);
            if (params.putIfAbsent(keyword.toUpperCase(Locale.ROOT), value) != null) {
                return Parsed.failed(Replies.DUPLICATE_PARAMETER);
            }
        }
        return Parsed.ok(params);
    }

    private static boolean isEsmtpValue(String value) {
        if (value.isEmpty()) return false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 33 || c > 126 || c == '=') return false;
        }
        return true;
    }

    private static long sizeOf(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) { // 20 digits may not fit: larger than any limit anyway
            return Long.MAX_VALUE;
        }
    }

    private static <T> Parsed<T> failedAs(Parsed<?> failed) {
        return Parsed.failed(((Parsed.Failed<?>) failed).reply());
    }
}
