package dev.tern.smtp;

import dev.tern.sasl.Credentials;

/**
 * How one listener's sessions are secured (RFC 3207, RFC 8314, RFC 4954, RFC 6409).
 *
 * @param startTlsOffered     EHLO offers STARTTLS while the session is not yet encrypted
 * @param implicitTls         the connection is TLS from its first byte (SMTPS, RFC 8314 §3.3)
 * @param authOffered         EHLO offers AUTH (only once encrypted, unless {@code plaintextAuth})
 * @param plaintextAuth       AUTH allowed without TLS (the server decides per connection, e.g. loopback only)
 * @param authRequired        MAIL needs a successful AUTH first: the submission port (RFC 6409 §4.3)
 * @param credentials         what AUTH checks against
 */
public record SecurityProfile(boolean startTlsOffered, boolean implicitTls, boolean authOffered,
                              boolean plaintextAuth, boolean authRequired, Credentials credentials) {
    public SecurityProfile {
        if (credentials == null) throw new IllegalArgumentException("credentials are required (Credentials.NONE)");
        if (authRequired && !authOffered) throw new IllegalArgumentException("AUTH required but not offered");
        if (startTlsOffered && implicitTls) throw new IllegalArgumentException("STARTTLS makes no sense on implicit TLS");
    }

    /** Port 25 as in issue #2: no TLS, no AUTH. */
    public static final SecurityProfile PLAIN = new SecurityProfile(false, false, false, false, false, Credentials.NONE);
}
