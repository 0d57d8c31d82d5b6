package dev.tern.app.config;

import dev.tern.app.AcmeSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The keys of {@code tls.acme.*} (docs/acme.md, docs/config.md): {@code directory}, {@code contact},
 * {@code domains}, {@code renew_before}, {@code challenge}, {@code http_listen}, {@code check_interval},
 * {@code retry} and {@code trust}. Without {@code directory} ACME is off and the other keys are only checked.
 */
final class AcmeSchema {
    private AcmeSchema() {}

    static AcmeSettings read(Section acme) {
        AcmeSettings a = AcmeSettings.off();
        URI directory = acme.get("directory", AcmeSchema::directoryUrl, null);
        a = acme.withList("contact", AcmeSchema::contact, a, AcmeSettings::withContacts);
        a = acme.withList("domains", n -> ConfigValues.domain(n).name().toLowerCase(Locale.ROOT), a,
                AcmeSettings::withDomains);
        a = acme.with("renew_before", ConfigValues::duration, a, AcmeSettings::withRenewBefore);
        a = acme.with("challenge", AcmeSchema::challenge, a, AcmeSettings::withChallenge);
        a = acme.with("http_listen", ConfigValues::listenAddress, a, AcmeSettings::withHttpListen);
        a = acme.with("check_interval", ConfigValues::duration, a, AcmeSettings::withCheckInterval);
        a = acme.with("retry", ConfigValues::duration, a, AcmeSettings::withRetry);
        a = acme.with("trust", ConfigValues::path, a, AcmeSettings::withTrust);
        acme.rejectUnknown();
        return directory == null ? a : a.withDirectory(directory);
    }

    /** RFC 8555 §6.1: ACME runs over HTTPS only. */
    private static URI directoryUrl(org.snakeyaml.engine.v2.nodes.Node node) {
        String text = ConfigValues.string(node).strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("expected a URL like https://acme-v02.api.letsencrypt.org/directory");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "expected an https:// URL, like https://acme-v02.api.letsencrypt.org/directory");
        }
        return uri;
    }

    /** RFC 8555 §7.3: contacts are mailto: URIs; a bare address is taken as one. */
    private static String contact(org.snakeyaml.engine.v2.nodes.Node node) {
        String text = ConfigValues.string(node).strip();
        String address = text.startsWith("mailto:") ? text.substring("mailto:".length()) : text;
        ConfigValues.parseMailbox(address);
        return "mailto:" + address;
    }

    private static AcmeSettings.Challenge challenge(org.snakeyaml.engine.v2.nodes.Node node) {
        return switch (ConfigValues.string(node).strip()) {
            case "http-01" -> AcmeSettings.Challenge.HTTP_01;
            case "tls-alpn-01", "dns-01" -> throw new IllegalArgumentException("only http-01 is supported so far");
            default -> throw new IllegalArgumentException("expected http-01");
        };
    }
}
