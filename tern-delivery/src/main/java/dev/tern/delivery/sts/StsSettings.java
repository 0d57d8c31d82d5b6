package dev.tern.delivery.sts;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;

/**
 * MTA-STS for outbound mail. Immutable; {@link #off()} by default (the integrator turns it on with
 * {@code outbound.mta_sts}).
 *
 * @param enabled        look policies up at all
 * @param cacheDirectory where fetched policies are kept across restarts ({@code <data>/mta-sts}); empty: in memory
 *                       only
 * @param connectTimeout to open the HTTPS connection to {@code mta-sts.<domain>}
 * @param readTimeout    for the whole response after connecting (RFC 8461 §3.3 asks for a bounded fetch)
 * @param webPki         the trust anchors of the WebPKI, for the policy host's certificate and (under MTA-STS) the
 *                       MX hosts' certificates; empty: the JDK's trust store (tests pass a test CA)
 * @param httpsPort      the policy host's port: 443 (RFC 8461 §3.3); other values are for tests
 * @param failureBackoff after a failed fetch, how long the domain's policy is not fetched again (a broken web server
 *                       should not cost every delivery a timeout)
 */
public record StsSettings(boolean enabled, Optional<Path> cacheDirectory, Duration connectTimeout, Duration readTimeout,
                          Optional<KeyStore> webPki, int httpsPort, Duration failureBackoff) {
    /** RFC 8461 §3.3 leaves the limit to the sender; 64 KiB is many times any real policy. */
    public static final int MAX_POLICY_BYTES = 64 * 1024;

    public StsSettings {
        if (cacheDirectory == null || webPki == null) throw new IllegalArgumentException("null STS setting");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("STS fetch timeouts must be positive");
        }
        if (failureBackoff.isNegative()) throw new IllegalArgumentException("negative back-off");
        if (httpsPort < 1 || httpsPort > 65535) throw new IllegalArgumentException("port must be 1-65535");
    }

    /** MTA-STS not used. */
    public static StsSettings off() {
        return new StsSettings(false, Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(20), Optional.empty(),
                443, Duration.ofMinutes(5));
    }

    /** On, with policies kept under {@code cacheDirectory}, the JDK's trust store and 10 s / 20 s timeouts. */
    public static StsSettings on(Path cacheDirectory) {
        return off().withEnabled(true).withCacheDirectory(Optional.of(cacheDirectory));
    }

    public StsSettings withEnabled(boolean value) {
        return new StsSettings(value, cacheDirectory, connectTimeout, readTimeout, webPki, httpsPort, failureBackoff);
    }

    public StsSettings withCacheDirectory(Optional<Path> value) {
        return new StsSettings(enabled, value, connectTimeout, readTimeout, webPki, httpsPort, failureBackoff);
    }

    public StsSettings withTimeouts(Duration connect, Duration read) {
        return new StsSettings(enabled, cacheDirectory, connect, read, webPki, httpsPort, failureBackoff);
    }

    public StsSettings withWebPki(Optional<KeyStore> value) {
        return new StsSettings(enabled, cacheDirectory, connectTimeout, readTimeout, value, httpsPort, failureBackoff);
    }

    public StsSettings withHttpsPort(int value) {
        return new StsSettings(enabled, cacheDirectory, connectTimeout, readTimeout, webPki, value, failureBackoff);
    }

    public StsSettings withFailureBackoff(Duration value) {
        return new StsSettings(enabled, cacheDirectory, connectTimeout, readTimeout, webPki, httpsPort, value);
    }
}
