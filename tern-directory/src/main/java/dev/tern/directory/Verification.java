package dev.tern.directory;

import dev.tern.mail.Mailbox;
import java.util.List;

/**
 * The answer to VRFY (RFC 5321 §3.5.1, §3.5.3). Each case names the reply the server is expected to give;
 * whether to answer VRFY at all (or always {@code 252}) is the server's policy, not the directory's.
 */
public sealed interface Verification {
    /** {@code 250}: mail to this canonical address is delivered here (a user, or an alias or list as a whole). */
    record Verified(Mailbox mailbox) implements Verification {
        public Verified {
            if (mailbox == null) throw new IllegalArgumentException("no mailbox");
        }
    }

    /** {@code 251 User not local; will forward to <to>}: an alias for exactly one remote mailbox. */
    record Forwarded(Mailbox to) implements Verification {
        public Forwarded {
            if (to == null) throw new IllegalArgumentException("no forward path");
        }
    }

    /** {@code 553}: a bare name matches at more than one local domain (RFC 5321 §3.5.1, "ambiguous"). */
    record Ambiguous(List<Mailbox> candidates) implements Verification {
        public Ambiguous {
            candidates = List.copyOf(candidates);
            if (candidates.size() < 2) throw new IllegalArgumentException("ambiguous needs two candidates");
        }
    }

    /** {@code 550}: no such user, alias or list here. */
    record NotFound() implements Verification {}

    /** {@code 551} or {@code 252}: the domain is not ours. */
    record NotLocal(Mailbox address) implements Verification {
        public NotLocal {
            if (address == null) throw new IllegalArgumentException("no address");
        }
    }

    /** {@code 501}: the argument is neither a name nor a valid mailbox. */
    record Invalid() implements Verification {}
}
