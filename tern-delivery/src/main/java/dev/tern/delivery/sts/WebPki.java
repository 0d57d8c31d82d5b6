package dev.tern.delivery.sts;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The WebPKI trust that MTA-STS relies on (RFC 8461 §3.3, §4.2): the JDK's trust store, or given anchors. */
public final class WebPki {
    private WebPki() {}

    /** The PKIX trust manager over {@code anchors} (empty: the JDK's {@code cacerts}). */
    public static X509ExtendedTrustManager trustManager(Optional<KeyStore> anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors.orElse(null));
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) return x509;
            }
            throw new IllegalStateException("the JDK offers no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("trust anchors unusable", e);
        }
    }

    /** A client TLS context that trusts exactly what {@code manager} trusts. */
    public static SSLContext context(TrustManager manager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS", e);
        }
    }
}
