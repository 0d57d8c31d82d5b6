package dev.tern.delivery.sts;

import dev.tern.delivery.tlsrpt.TlsAttempt;
import dev.tern.mail.Domain;

/**
 * Where policy bodies come from: {@link HttpsPolicySource} over the network (RFC 8461 §3.3); tests give fixed
 * bodies. Blocks for a bounded time, never throws for what a remote does, thread-safe.
 */
@FunctionalInterface
public interface PolicySource {
    Fetched fetch(Domain domain);

    /** One fetch's result. */
    sealed interface Fetched {
        /** Status 200, text/plain, within the size limit: the body. */
        record Body(String text) implements Fetched {}

        /** Anything else; {@code failure} is the TLS-RPT type (fetch error, or the certificate's). */
        record Failed(String reason, TlsAttempt.FailureType failure) implements Fetched {}
    }
}
