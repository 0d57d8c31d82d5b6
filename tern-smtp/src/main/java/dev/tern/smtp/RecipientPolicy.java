package dev.tern.smtp;

import dev.tern.mail.Mailbox;

/**
 * The questions the session asks the world about addresses. The server answers them from the directory and
 * its relay rules; tests answer them from a table.
 *
 * <p>Called on the connection's thread, one call at a time per session; implementations shared between
 * sessions must be thread-safe. A failure that may heal (a directory that cannot be read) is a 4yz reply.
 */
public interface RecipientPolicy {
    /** RCPT TO (RFC 5321 §3.3): accept the forward-path, or say why not (550 5.1.1, 550 5.7.1, 451 4.3.0 ...). */
    Verdict recipient(Mailbox forwardPath);

    /** VRFY (RFC 5321 §3.5.1): 250/251/252/550/553; the argument is the raw text after {@code VRFY }. */
    Reply verify(String argument);

    /** EXPN (RFC 5321 §3.5.2): 250 with one member per line, or 550/502. */
    Reply expand(String argument);
}
