package dev.tern.delivery;

import dev.tern.delivery.dane.Dane;
import dev.tern.delivery.dane.DaneDecision;
import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How one connection's server certificate is checked, and what the check found, for TLS-RPT (RFC 8460 §4.3).
 * {@link Kind#WEB_PKI}: the chain must lead to a trusted root, the leaf be within its validity and name the MX
 * host (RFC 8461 §4.2; the name check is the JDK's RFC 6125 "HTTPS" identification, so the socket must ask for
 * it); {@link Kind#DANE}: the chain must match a TLSA record ({@link Dane#matches}, RFC 7672 §3); {@link Kind#NONE}:
 * any certificate. When {@code enforce} is false (MTA-STS testing, {@code TLS-Required: No}) a failed check is only
 * recorded and the handshake goes on. One per connection attempt; read {@link #failure()} after the handshake.
 */
final class CertificateCheck extends X509ExtendedTrustManager {
    enum Kind { NONE, WEB_PKI, DANE }

    private final Kind kind;
    private final X509ExtendedTrustManager webPki;
    private final Dane dane;
    private final DaneDecision.Authenticate records;
    private final boolean enforce;
    private volatile FailureType failure;
    private volatile String detail = "";

    private CertificateCheck(Kind kind, X509ExtendedTrustManager webPki, Dane dane, DaneDecision.Authenticate records,
                             boolean enforce) {
        this.kind = kind;
        this.webPki = webPki;
        this.dane = dane;
        this.records = records;
        this.enforce = enforce;
    }

    static CertificateCheck none() {
        return new CertificateCheck(Kind.NONE, null, null, null, false);
    }

    static CertificateCheck webPki(X509ExtendedTrustManager trust, boolean enforce) {
        return new CertificateCheck(Kind.WEB_PKI, trust, null, null, enforce);
    }

    static CertificateCheck dane(Dane dane, DaneDecision.Authenticate records, boolean enforce) {
        return new CertificateCheck(Kind.DANE, null, dane, records, enforce);
    }

    /** The same check, unused: one per connection, since it keeps what it found. */
    CertificateCheck fresh() {
        return new CertificateCheck(kind, webPki, dane, records, enforce);
    }

    Kind kind() {
        return kind;
    }

    /** Whether a failed check fails the handshake. */
    boolean enforced() {
        return enforce && kind != Kind.NONE;
    }

    /** Whether the socket must ask for RFC 6125 name checking (only the WebPKI check names the host). */
    boolean checksName() {
        return kind == Kind.WEB_PKI;
    }

    /** What the check found wrong, if it ran and something was. */
    Optional<FailureType> failure() {
        return Optional.ofNullable(failure);
    }

    String detail() {
        return detail;
    }

    SSLContext context() {
        return dev.tern.delivery.sts.WebPki.context(this);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, socket, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, null, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, null);
    }

    private void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) throws CertificateException {
        switch (kind) {
            case NONE -> { }
            case DANE -> {
                if (!dane.matches(chain, records)) fail(FailureType.TLSA_INVALID, "certificate matches no TLSA record");
            }
            case WEB_PKI -> {
                if (chain.length == 0) {
                    fail(FailureType.VALIDATION_FAILURE, "no certificate");
                    return;
                }
                try {
                    chain[0].checkValidity();
                } catch (CertificateException e) {
                    fail(FailureType.CERTIFICATE_EXPIRED, "certificate outside its validity");
                    return;
                }
                try {
                    webPki.checkServerTrusted(chain, authType);
                } catch (CertificateException e) {
                    fail(FailureType.CERTIFICATE_NOT_TRUSTED, "certificate not trusted: " + e.getMessage());
                    return;
                }
                try {
                    // The chain is trusted: a failure now is the name (the socket's "HTTPS" identification).
                    if (socket != null) webPki.checkServerTrusted(chain, authType, socket);
                    else if (engine != null) webPki.checkServerTrusted(chain, authType, engine);
                } catch (CertificateException e) {
                    fail(FailureType.CERTIFICATE_HOST_MISMATCH, "certificate does not name the host");
                }
            }
        }
    }

    private void fail(FailureType type, String why) throws CertificateException {
        failure = type;
        detail = why;
        if (enforce) throw new CertificateException(why);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // Never a server: not called.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // Never a server: not called.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // Never a server: not called.
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
