package dev.tern.app;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Certificates from an ACME CA (RFC 8555), {@code tls.acme.*}: off unless a directory URL is set (docs/acme.md).
 *
 * @param directory     the CA's directory URL ({@code tls.acme.directory})
 * @param contacts      account contacts, {@code mailto:} URIs ({@code tls.acme.contact})
 * @param domains       the names the certificate covers; the host name when empty ({@code tls.acme.domains})
 * @param renewBefore   renew this long before expiry ({@code tls.acme.renew_before}, 30 days by default)
 * @param challenge     how the CA checks control of the names ({@code tls.acme.challenge}); only HTTP-01 so far
 * @param httpListen    where the HTTP-01 responder listens ({@code tls.acme.http_listen}, 0.0.0.0:80 by default)
 * @param checkInterval how often the certificate's expiry is checked ({@code tls.acme.check_interval}, 12 h)
 * @param retry         the first wait after a failed attempt, doubled after each further failure up to
 *                      {@code checkInterval} ({@code tls.acme.retry}, 2 minutes)
 * @param trust         PEM roots to trust for the CA's own HTTPS instead of the JDK's ({@code tls.acme.trust}), for
 *                      a private CA (step-ca, Pebble); empty means the JDK's trust store
 */
public record AcmeSettings(Optional<URI> directory, List<String> contacts, List<String> domains, Duration renewBefore,
                           Challenge challenge, InetSocketAddress httpListen, Duration checkInterval, Duration retry,
                           Optional<Path> trust) {
    public static final int HTTP_PORT = 80;

    /** RFC 8555 §8: the challenge types Tern answers. */
    public enum Challenge { HTTP_01 }

    public AcmeSettings {
        contacts = List.copyOf(contacts);
        domains = List.copyOf(domains);
        for (String contact : contacts) {
            if (!contact.startsWith("mailto:")) throw new IllegalArgumentException("a contact must be a mailto: URI");
        }
        positive(renewBefore, "renew_before");
        positive(checkInterval, "check_interval");
        positive(retry, "retry");
        if (challenge == null || httpListen == null) {
            throw new IllegalArgumentException("challenge and http_listen are required");
        }
    }

    private static void positive(Duration value, String key) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be longer than zero");
        }
    }

    public static AcmeSettings off() {
        return new AcmeSettings(Optional.empty(), List.of(), List.of(), Duration.ofDays(30), Challenge.HTTP_01,
                new InetSocketAddress("0.0.0.0", HTTP_PORT), Duration.ofHours(12), Duration.ofMinutes(2),
                Optional.empty());
    }

    /** On, for {@code directory}, with every other setting at its default. */
    public static AcmeSettings of(URI directory) {
        return off().withDirectory(directory);
    }

    public boolean enabled() {
        return directory.isPresent();
    }

    /** The names to certify: {@code domains}, or the server's host name when none are listed. */
    public List<String> domainsOr(String hostname) {
        return domains.isEmpty() ? List.of(hostname) : domains;
    }

    public AcmeSettings withDirectory(URI value) {
        return new AcmeSettings(Optional.of(value), contacts, domains, renewBefore, challenge, httpListen,
                checkInterval, retry, trust);
    }

    public AcmeSettings withContacts(List<String> value) {
        return new AcmeSettings(directory, value, domains, renewBefore, challenge, httpListen, checkInterval, retry,
                trust);
    }

    public AcmeSettings withDomains(List<String> value) {
        return new AcmeSettings(directory, contacts, value, renewBefore, challenge, httpListen, checkInterval, retry,
                trust);
    }

    public AcmeSettings withRenewBefore(Duration value) {
        return new AcmeSettings(directory, contacts, domains, value, challenge, httpListen, checkInterval, retry, trust);
    }

    public AcmeSettings withChallenge(Challenge value) {
        return new AcmeSettings(directory, contacts, domains, renewBefore, value, httpListen, checkInterval, retry,
                trust);
    }

    public AcmeSettings withHttpListen(InetSocketAddress value) {
        return new AcmeSettings(directory, contacts, domains, renewBefore, challenge, value, checkInterval, retry,
                trust);
    }

    public AcmeSettings withCheckInterval(Duration value) {
        return new AcmeSettings(directory, contacts, domains, renewBefore, challenge, httpListen, value, retry, trust);
    }

    public AcmeSettings withRetry(Duration value) {
        return new AcmeSettings(directory, contacts, domains, renewBefore, challenge, httpListen, checkInterval, value,
                trust);
    }

    public AcmeSettings withTrust(Path value) {
        return new AcmeSettings(directory, contacts, domains, renewBefore, challenge, httpListen, checkInterval, retry,
                Optional.of(value));
    }
}
