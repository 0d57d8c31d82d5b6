package dev.tern.smtp;

import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import java.util.Optional;

/**
 * The questions the session asks the world about addresses. The server answers them from the directory and
 * its relay rules; tests answer them from a table.
 *
 * <p>Called on the connection's thread, one call at a time per session; implementations shared between
 * sessions must be thread-safe. A failure that may heal (a directory that cannot be read) is a 4yz reply.
 */
public interface RecipientPolicy {
    /**
     * RCPT TO (RFC 5321 §3.3) in a session that may be authenticated (RFC 4954, RFC 6409; an authenticated user
     * may be allowed to relay): accept the forward-path, or say why not (550 5.1.1, 550 5.7.1, 451 4.3.0 ...).
     */
    Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser);

    /**
     * As {@link #recipient(Mailbox, Optional)}, knowing the transaction's MAIL FROM (a policy may accept some
     * recipients only for bounces, e.g. SRS addresses). The session calls this one; by default it is the other.
     */
    default Verdict recipient(ReversePath reversePath, Mailbox forwardPath, Optional<String> authenticatedUser) {
        return recipient(forwardPath, authenticatedUser);
    }

    /**
     * MAIL FROM (RFC 5321 §3.3): accept the reverse-path, or refuse it with a reply that goes back as is (for
     * example 553 5.7.1 when an authenticated user sends as someone else). By default everything is accepted.
     */
    default Verdict sender(ReversePath reversePath, Optional<String> authenticatedUser) {
        return Verdict.ACCEPT;
    }

    /** VRFY (RFC 5321 §3.5.1): 250/251/252/550/553; the argument is the raw text after {@code VRFY }. */
    Reply verify(String argument);

    /** EXPN (RFC 5321 §3.5.2): 250 with one member per line, or 550/502. */
    Reply expand(String argument);
}
