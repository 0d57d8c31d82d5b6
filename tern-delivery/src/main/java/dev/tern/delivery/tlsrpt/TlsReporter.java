package dev.tern.delivery.tlsrpt;

/**
 * Where the SMTP client reports each {@link TlsAttempt}. Must not block for long (called on a delivery thread) and
 * never throws. {@link #NONE} drops them (TLS-RPT off).
 */
@FunctionalInterface
public interface TlsReporter {
    TlsReporter NONE = attempt -> {};

    void record(TlsAttempt attempt);
}
