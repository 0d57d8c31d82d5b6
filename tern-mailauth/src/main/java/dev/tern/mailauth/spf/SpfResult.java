package dev.tern.mailauth.spf;

import java.util.Optional;

/**
 * The outcome of one SPF check (RFC 7208 §2.6).
 *
 * @param kind        the result
 * @param domain      the domain whose policy was checked (the MAIL FROM domain, or the HELO name)
 * @param mechanism   the directive that matched, as written in the record ({@code -all}, {@code ip4:192.0.2.0/24});
 *                    empty when none did (neutral by default, none, errors)
 * @param explanation for {@link Kind#FAIL} only: the macro-expanded {@code exp=} text (§6.2), if the domain
 *                    published a usable one; a receiver may put it in its 550 reply
 * @param reason      what happened, for logs and the {@code Authentication-Results:} comment; not for SMTP replies
 */
public record SpfResult(Kind kind, String domain, Optional<String> mechanism, Optional<String> explanation,
                        String reason) {
    /** RFC 7208 §2.6, with the result tokens of RFC 8601 §2.7.2 ({@code spf=pass}). */
    public enum Kind {
        PASS("pass"), FAIL("fail"), SOFTFAIL("softfail"), NEUTRAL("neutral"), NONE("none"), TEMPERROR("temperror"),
        PERMERROR("permerror");

        private final String token;

        Kind(String token) {
            this.token = token;
        }

        /** The RFC 8601 token, e.g. {@code "softfail"}. */
        public String token() {
            return token;
        }
    }

    public SpfResult {
        if (kind == null || domain == null || mechanism == null || explanation == null || reason == null) {
            throw new IllegalArgumentException("SpfResult fields are required");
        }
        if (kind != Kind.FAIL && explanation.isPresent()) throw new IllegalArgumentException("only a fail explains");
    }

    static SpfResult of(Kind kind, String domain, String reason) {
        return new SpfResult(kind, domain, Optional.empty(), Optional.empty(), reason);
    }
}
