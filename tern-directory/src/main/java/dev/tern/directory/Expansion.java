package dev.tern.directory;

import dev.tern.mail.Mailbox;
import java.util.List;

/**
 * The answer to EXPN (RFC 5321 §3.5.2, §3.5.3). Each case names the reply the server is expected to give;
 * whether to answer EXPN at all is the server's policy, not the directory's.
 */
public sealed interface Expansion {
    /** {@code 250}, one line per member: the list's members, fully expanded, local ones first. */
    record Members(Mailbox list, List<Mailbox> members) implements Expansion {
        public Members {
            if (list == null) throw new IllegalArgumentException("no list");
            members = List.copyOf(members);
        }
    }

    /** {@code 550}: the address exists but is a user or an alias, not a list. */
    record NotAList(Mailbox address) implements Expansion {
        public NotAList {
            if (address == null) throw new IllegalArgumentException("no address");
        }
    }

    /** {@code 553}: a bare name matches at more than one local domain. */
    record Ambiguous(List<Mailbox> candidates) implements Expansion {
        public Ambiguous {
            candidates = List.copyOf(candidates);
            if (candidates.size() < 2) throw new IllegalArgumentException("ambiguous needs two candidates");
        }
    }

    /** {@code 550}: no such address here. */
    record NotFound() implements Expansion {}

    /** {@code 551} or {@code 252}: the domain is not ours. */
    record NotLocal(Mailbox address) implements Expansion {
        public NotLocal {
            if (address == null) throw new IllegalArgumentException("no address");
        }
    }

    /** {@code 501}: the argument is neither a name nor a valid mailbox. */
    record Invalid() implements Expansion {}
}
