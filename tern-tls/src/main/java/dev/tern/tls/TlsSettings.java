package dev.tern.tls;

import java.nio.file.Path;
import java.util.List;

/**
 * Certificates for TLS (RFC 3207 STARTTLS, RFC 8314 implicit TLS).
 *
 * @param certificates PEM pairs (Let's Encrypt layout: fullchain.pem + privkey.pem), one per name; the server
 *                     picks one by SNI, the first is the default. Empty: a self-signed certificate is made on
 *                     first start and kept under the data directory.
 */
public record TlsSettings(List<CertificateFiles> certificates) {
    public TlsSettings {
        certificates = List.copyOf(certificates);
    }

    public record CertificateFiles(Path fullchain, Path privateKey) {}

    public static TlsSettings defaults() {
        return new TlsSettings(List.of());
    }
}
