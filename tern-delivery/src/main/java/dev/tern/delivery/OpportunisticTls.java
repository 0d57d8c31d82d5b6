package dev.tern.delivery;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The client TLS of opportunistic STARTTLS (RFC 7435; Postfix's {@code smtp_tls_security_level = may}): the
 * connection is encrypted but the server's certificate is not checked, since without a policy (MTA-STS, DANE:
 * a later issue) nothing says which certificate a destination should have, and refusing would only send the mail
 * in plaintext instead. TLS 1.2 and 1.3, the JDK's cipher suites.
 */
final class OpportunisticTls {
    private OpportunisticTls() {}

    static SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS", e);
        }
    }

    /** The JDK's trust store, for verified TLS (the caller checks the host name on each connection). */
    static SSLContext verified() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS", e);
        }
    }

    /** Takes any certificate: encryption against passive listeners, no authentication (see the class). */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // Never a client: not called.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Opportunistic: any certificate encrypts; none authenticates (no policy says which to expect).
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
