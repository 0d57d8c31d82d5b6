package dev.tern.smtp.client;

import dev.tern.mail.Domain;

/**
 * What one client session needs to know.
 *
 * @param heloName the name the client gives in EHLO/HELO (RFC 5321 §4.1.1.1: its own fully qualified name)
 * @param tls      when to ask for STARTTLS
 * @param auth     credentials for a smart host, or {@link ClientAuth#NONE}
 */
public record ClientSettings(Domain heloName, TlsPolicy tls, ClientAuth auth) {
    public ClientSettings {
        if (heloName == null || tls == null || auth == null) throw new IllegalArgumentException("null client setting");
    }

    /** Opportunistic TLS, no AUTH: direct delivery to an MX. */
    public static ClientSettings of(Domain heloName) {
        return new ClientSettings(heloName, TlsPolicy.OPPORTUNISTIC, ClientAuth.NONE);
    }
}
