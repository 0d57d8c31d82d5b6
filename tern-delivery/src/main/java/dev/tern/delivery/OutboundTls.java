package dev.tern.delivery;

import dev.tern.delivery.dane.Dane;
import dev.tern.delivery.sts.StsSettings;
import dev.tern.delivery.tlsrpt.TlsReporter;

/**
 * The recipient-side TLS policies the SMTP client honours on top of the configured {@link TlsRequirement}s:
 * MTA-STS (RFC 8461), DANE (RFC 7672), and where each attempt's TLS outcome is reported (TLS-RPT, RFC 8460).
 * {@link #off()} by default: STARTTLS as the configured levels say, nothing looked up, nothing reported.
 * See docs/mta-sts.md for the order in which they decide.
 *
 * @param sts      MTA-STS: on or off, its cache directory, fetch timeouts and WebPKI trust
 * @param dane     DANE's TLSA lookups and matching ({@link Dane#OFF}: never applies)
 * @param reporter where each connection's TLS outcome goes ({@link TlsReporter#NONE}: nowhere)
 */
public record OutboundTls(StsSettings sts, Dane dane, TlsReporter reporter) {
    public OutboundTls {
        if (sts == null || dane == null || reporter == null) throw new IllegalArgumentException("null outbound TLS part");
    }

    public static OutboundTls off() {
        return new OutboundTls(StsSettings.off(), Dane.OFF, TlsReporter.NONE);
    }

    public OutboundTls withSts(StsSettings value) {
        return new OutboundTls(value, dane, reporter);
    }

    public OutboundTls withDane(Dane value) {
        return new OutboundTls(sts, value, reporter);
    }

    public OutboundTls withReporter(TlsReporter value) {
        return new OutboundTls(sts, dane, value);
    }
}
