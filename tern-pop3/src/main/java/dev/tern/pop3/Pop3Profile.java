package dev.tern.pop3;

import dev.tern.mail.Mailbox;
import dev.tern.sasl.Credentials;
import java.util.Optional;
import java.util.function.Function;

/**
 * How one connection's session is secured and limited.
 *
 * @param stlsOffered      CAPA offers STLS while the connection is plaintext (the {@code pop3} listener; RFC 2595 §4)
 * @param implicitTls      TLS from the first octet (the {@code pop3s} listener, RFC 8314 §3.3)
 * @param plaintextAllowed USER/PASS and AUTH allowed before TLS (the listener decides per connection: loopback
 *                         only, with the same option as SMTP's {@code plaintext_on_loopback})
 * @param credentials      what USER/PASS and AUTH check, already throttled for this client
 * @param mailboxes        the mailbox of an authenticated user name, or empty when the account has none
 * @param maxErrors        bad commands and failed logins before the session closes the connection
 */
public record Pop3Profile(boolean stlsOffered, boolean implicitTls, boolean plaintextAllowed, Credentials credentials,
                          Function<String, Optional<Mailbox>> mailboxes, int maxErrors) {
    public static final int DEFAULT_MAX_ERRORS = 10;

    public Pop3Profile {
        if (credentials == null || mailboxes == null) throw new IllegalArgumentException("credentials and mailboxes are required");
        if (stlsOffered && implicitTls) throw new IllegalArgumentException("STLS makes no sense on implicit TLS");
        if (maxErrors < 1) throw new IllegalArgumentException("maxErrors must be positive");
    }
}
