package dev.tern.delivery.dane;

import dev.tern.mail.Domain;
import java.security.cert.X509Certificate;

/**
 * DANE for SMTP (RFC 7672): DNSSEC-validated TLSA lookups for MX hosts and the matching of a server's certificate
 * chain against them. {@link #OFF} never applies (DANE disabled).
 */
public interface Dane {
    Dane OFF = new Dane() {
        @Override
        public boolean mxSecure(Domain domain) {
            return false;
        }

        @Override
        public DaneDecision lookup(String mxHost, int port, boolean mxSecure) {
            return new DaneDecision.NotApplicable("DANE is off");
        }

        @Override
        public boolean matches(X509Certificate[] chain, DaneDecision.Authenticate decision) {
            return false;
        }
    };

    /** Whether the MX RRset of {@code domain} (or its absence, falling back to the domain itself) is DNSSEC-secure. */
    boolean mxSecure(Domain domain);

    /**
     * As {@link #mxSecure}, telling an insecure answer (an unsigned zone: DANE does not apply) from one that failed
     * validation or could not be had (RFC 7672 §2.1.1: a lookup error; the mail waits rather than go without DANE).
     */
    default MxSecurity mxSecurity(Domain domain) {
        return mxSecure(domain) ? MxSecurity.SECURE : MxSecurity.INSECURE;
    }

    /** What DNSSEC said of a domain's MX records. */
    enum MxSecurity { SECURE, INSECURE, BOGUS }

    /**
     * The DANE decision for one MX host ({@code _port._tcp.mxHost} TLSA). {@code mxSecure} is what
     * {@link #mxSecure} said of the recipient domain: when false, DANE does not apply (RFC 7672 §2.2.1).
     * Blocks for at most the resolver's bounded time; never throws.
     */
    DaneDecision lookup(String mxHost, int port, boolean mxSecure);

    /**
     * Whether {@code chain} (the server's, leaf first) matches one usable record (RFC 7672 §3: DANE-EE(3) matches the
     * leaf, no name or expiry check; DANE-TA(2) matches a certificate of the chain that the leaf chains to, and the
     * leaf must name one of {@link DaneDecision.Authenticate#names()} and be within its validity).
     */
    boolean matches(X509Certificate[] chain, DaneDecision.Authenticate decision);
}
