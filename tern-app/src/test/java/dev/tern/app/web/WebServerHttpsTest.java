package dev.tern.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.TrustAll;
import dev.tern.tls.TlsContext;
import dev.tern.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web listener's HTTPS serves the certificate in force at each new connection (a reload, an ACME renewal):
 * the JDK's HttpsServer would keep the context it started with (docs/acme.md).
 */
class WebServerHttpsTest {

    @Test
    void newConnectionGetsTheCurrentCertificate(@TempDir Path first, @TempDir Path second) throws Exception {
        SSLContext a = TlsContext.open(TlsSettings.defaults(), first, "a.test").sslContext();
        SSLContext b = TlsContext.open(TlsSettings.defaults(), second, "b.test").sslContext();
        AtomicReference<SSLContext> current = new AtomicReference<>(a);
        WebSettings settings = WebSettings.defaults().withListen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .withTls(WebSettings.Tls.ON);
        try (WebServer server = WebServer.start(settings, new Router(), current::get)) {
            int port = server.addresses().getFirst().getPort();
            assertThat(subject(port)).isEqualTo("CN=a.test");

            current.set(b);

            assertThat(subject(port)).isEqualTo("CN=b.test");
        }
    }

    private static String subject(int port) throws Exception {
        try (SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", port)) {
            tls.setSoTimeout(5000);
            tls.startHandshake();
            return ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }
}
