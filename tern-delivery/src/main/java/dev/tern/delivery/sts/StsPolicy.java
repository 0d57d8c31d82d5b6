package dev.tern.delivery.sts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy (RFC 8461 §3.2) as fetched from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}.
 *
 * @param mode   what the sender does with MX hosts that fail the policy
 * @param mx     the allowed MX hosts; empty only for {@link Mode#NONE}
 * @param maxAge how long the policy may be cached (at most {@link #MAX_AGE}, RFC 8461 §3.2)
 * @param lines  the policy's lines as published, TLS-RPT's {@code policy-string} (RFC 8460 §4.4)
 */
public record StsPolicy(Mode mode, List<MxPattern> mx, Duration maxAge, List<String> lines) {
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
    public static final Duration MAX_AGE = Duration.ofSeconds(31_557_600);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    /** RFC 8461 §5: enforce (no delivery to a failing MX), testing (deliver, report), none (no policy). */
    public enum Mode {
        ENFORCE, TESTING, NONE;

        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public StsPolicy {
        mx = List.copyOf(mx);
        lines = List.copyOf(lines);
        if (mode == null || maxAge == null || maxAge.isNegative() || maxAge.compareTo(MAX_AGE) > 0) {
            throw new IllegalArgumentException("bad MTA-STS policy");
        }
        if (mx.isEmpty() && mode != Mode.NONE) throw new IllegalArgumentException("a policy in force needs mx patterns");
    }

    /** Whether {@code host} may receive mail under this policy (RFC 8461 §4.1). */
    public boolean allows(String host) {
        return mx.stream().anyMatch(p -> p.matches(host));
    }

    /** A parsed policy body, or why it is no policy (TLS-RPT's {@code sts-policy-invalid}). */
    public sealed interface Parsed {
        record Valid(StsPolicy policy) implements Parsed {}

        record Invalid(String reason) implements Parsed {}
    }

    /**
     * Parses a policy body (RFC 8461 §3.2): {@code key: value} lines ended by CRLF or LF; {@code version: STSv1},
     * {@code mode} and {@code max_age} exactly once, {@code mx} once or more (unless the mode is none); keys this
     * version does not know are ignored. Blank lines are skipped.
     */
    public static Parsed parse(String body) {
        String version = null;
        Mode mode = null;
        Duration maxAge = null;
        List<MxPattern> mx = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (String raw : body.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) continue;
            int colon = line.indexOf(':');
            if (colon <= 0) return new Parsed.Invalid("a policy line without key: value");
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (!KEY.matcher(key).matches()) return new Parsed.Invalid("a policy key that is no field name");
            lines.add(key + ": " + value);
            switch (key) {
                case "version" -> {
                    if (version != null) return new Parsed.Invalid("version given twice");
                    version = value;
                }
                case "mode" -> {
                    if (mode != null) return new Parsed.Invalid("mode given twice");
                    mode = switch (value) {
                        case "enforce" -> Mode.ENFORCE;
                        case "testing" -> Mode.TESTING;
                        case "none" -> Mode.NONE;
                        default -> null;
                    };
                    if (mode == null) return new Parsed.Invalid("mode is enforce, testing or none");
                }
                case "max_age" -> {
                    if (maxAge != null) return new Parsed.Invalid("max_age given twice");
                    if (!DIGITS.matcher(value).matches()) return new Parsed.Invalid("max_age is up to 10 digits");
                    long seconds = Long.parseLong(value);
                    if (seconds > MAX_AGE.toSeconds()) return new Parsed.Invalid("max_age above 31557600");
                    maxAge = Duration.ofSeconds(seconds);
                }
                case "mx" -> {
                    Optional<MxPattern> pattern = MxPattern.parse(value);
                    if (pattern.isEmpty()) return new Parsed.Invalid("an mx value that is no host name pattern");
                    mx.add(pattern.get());
                }
                default -> { } // RFC 8461 §3.2: extension keys are ignored
            }
        }
        if (!"STSv1".equals(version)) return new Parsed.Invalid("version is not STSv1");
        if (mode == null) return new Parsed.Invalid("no mode");
        if (maxAge == null) return new Parsed.Invalid("no max_age");
        if (mx.isEmpty() && mode != Mode.NONE) return new Parsed.Invalid("no mx");
        return new Parsed.Valid(new StsPolicy(mode, mx, maxAge, lines));
    }
}
