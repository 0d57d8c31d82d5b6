package dev.tern.app;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Certificates from an ACME CA (RFC 8555), {@code tls.acme.*}: off unless a directory URL is set.
 *
 * @param directory    the CA's directory URL ({@code tls.acme.directory})
 * @param contacts     account contacts, {@code mailto:} URIs ({@code tls.acme.contact})
 * @param domains      the names the certificate covers; the host name when empty ({@code tls.acme.domains})
 * @param renewBefore  renew this long before expiry ({@code tls.acme.renew_before}, 30 days by default)
 */
public record AcmeSettings(Optional<URI> directory, List<String> contacts, List<String> domains, Duration renewBefore) {
    public AcmeSettings {
        contacts = List.copyOf(contacts);
        domains = List.copyOf(domains);
    }

    public static AcmeSettings off() {
        return new AcmeSettings(Optional.empty(), List.of(), List.of(), Duration.ofDays(30));
    }

    public boolean enabled() {
        return directory.isPresent();
    }
}
