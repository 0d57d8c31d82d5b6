package dev.tern.mailauth.dmarc;

import dev.tern.mailauth.spf.SpfResult;

/**
 * The SPF-authenticated identifier DMARC aligns (RFC 7489 §3.1.2, §4.2): the MAIL FROM domain, or the HELO name when
 * the reverse-path was null, with its SPF result.
 */
public record SpfIdentity(String domain, SpfResult.Kind result) {
    public SpfIdentity {
        if (domain == null || domain.isEmpty()) throw new IllegalArgumentException("empty SPF domain");
        if (result == null) throw new IllegalArgumentException("no SPF result");
    }

    public static SpfIdentity of(SpfResult result) {
        return new SpfIdentity(result.domain(), result.kind());
    }
}
