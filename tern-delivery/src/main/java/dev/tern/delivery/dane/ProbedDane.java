package dev.tern.delivery.dane;

import dev.tern.mail.Domain;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DnssecDane} once it is known to work: the first delivery that asks checks that the DNS servers pass
 * DNSSEC records through ({@link DnssecDane#validates()}); if they do not, every answer would be bogus and all mail
 * would wait, so DANE stays off (logged once, loudly) and delivery goes on under the other policies. Checked on a
 * delivery thread, not at start, so a slow resolver does not delay the start.
 */
public final class ProbedDane implements Dane {
    private static final Logger log = LoggerFactory.getLogger(ProbedDane.class);

    private final DnssecDane dane;
    private volatile Boolean works;

    public ProbedDane(DnssecDane dane) {
        this.dane = dane;
    }

    private boolean works() {
        Boolean known = works;
        if (known != null) return known;
        synchronized (this) {
            if (works == null) {
                works = dane.validates();
                if (works) {
                    log.info("DANE on: the DNS servers pass DNSSEC records, the root's keys validate");
                } else {
                    log.warn("DANE off: the DNS servers do not pass DNSSEC records through (the root's DNSKEY does not "
                            + "validate); use a DNSSEC-aware resolver in dns.servers, or set delivery.dane: false");
                }
            }
            return works;
        }
    }

    @Override
    public boolean mxSecure(Domain domain) {
        return works() && dane.mxSecure(domain);
    }

    @Override
    public MxSecurity mxSecurity(Domain domain) {
        return works() ? dane.mxSecurity(domain) : MxSecurity.INSECURE;
    }

    @Override
    public DaneDecision lookup(String mxHost, int port, boolean mxSecure) {
        return works() ? dane.lookup(mxHost, port, mxSecure) : new DaneDecision.NotApplicable("DANE is off");
    }

    @Override
    public boolean matches(X509Certificate[] chain, DaneDecision.Authenticate decision) {
        return dane.matches(chain, decision);
    }
}
