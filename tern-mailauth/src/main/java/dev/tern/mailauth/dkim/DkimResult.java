package dev.tern.mailauth.dkim;

/**
 * The outcome of checking one {@code DKIM-Signature:} field, ready for {@code Authentication-Results:}.
 *
 * @param domain the signing domain ({@code d=}), as written; empty when the field had none usable
 * @param selector {@code s=}, or empty
 * @param algorithm {@code a=} as written, or empty
 * @param identity the agent or user identifier: {@code i=}, or {@code "@" + d} by default (RFC 6376 §3.5)
 * @param headerB the first 8 characters of {@code b=} (RFC 6008 §4 {@code header.b}), or empty
 * @param bodyLengthLimited whether the signature had {@code l=}, so it may cover only part of the body (§8.2)
 * @param reason a short human explanation, for the result's {@code reason=} and logs
 */
public record DkimResult(Status status, String domain, String selector, String algorithm, String identity,
        String headerB, boolean bodyLengthLimited, String reason) {

    /** RFC 8601 §2.7.1's DKIM result values (less {@code none}, which is the absence of any result). */
    public enum Status {
        /** The signature verified. */
        PASS,
        /** The signature did not verify: altered body or header fields, a bad signature, a revoked key. */
        FAIL,
        /** The signature field has syntax errors (RFC 8601: "contained syntax errors"). */
        NEUTRAL,
        /** Verified or verifiable, but unacceptable to Tern's policy (a timestamp far in the future). */
        POLICY,
        /** A temporary failure, chiefly of the key lookup; the message may verify later. */
        TEMPERROR,
        /** A permanent error: no key, a bad or unacceptable key, an unsupported algorithm, an expired signature. */
        PERMERROR;

        /** The value as written in {@code Authentication-Results:}. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public DkimResult {
        if (status == null || domain == null || selector == null || algorithm == null || identity == null
                || headerB == null || reason == null) {
            throw new IllegalArgumentException("a DKIM result has no null parts");
        }
        if (reason.isBlank()) throw new IllegalArgumentException("a DKIM result needs a reason");
    }
}
