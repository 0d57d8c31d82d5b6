package dev.tern.imap;

import dev.tern.store.FolderChange;
import dev.tern.store.MessageMeta;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The flags a session has told the client of for its selected mailbox (RFC 9051 §7.3.5 FLAGS, §7.1
 * PERMANENTFLAGS): the five system flags and the keywords in use. SELECT lists those of its snapshot; when a
 * STORE here or a change from another session brings a keyword not yet told, {@link #announce} gives a new
 * {@code * FLAGS} and PERMANENTFLAGS, to be sent before the FETCH that carries it (as Dovecot does). A keyword
 * no longer in use stays listed until the next SELECT: the list only grows. Not thread-safe: one session's.
 */
final class MailboxKeywords {
    private static final List<String> SYSTEM = List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft");

    private final TreeSet<String> known = new TreeSet<>();
    private final boolean readOnly;

    MailboxKeywords(Collection<MessageMeta> messages, boolean readOnly) {
        this.readOnly = readOnly;
        learn(messages);
    }

    /** {@code * FLAGS (...)}. */
    Response flags() {
        List<Value> flags = new ArrayList<>();
        for (String f : SYSTEM) flags.add(Value.atom(f));
        for (String k : known) flags.add(Value.atom(k));
        return Response.data(Value.atom("FLAGS"), new Value.ListOf(flags));
    }

    /** {@code * OK [PERMANENTFLAGS (...)]}: none when read-only; else the flags, the keywords and {@code \*}. */
    Response permanentFlags() {
        List<Value> permanent = new ArrayList<>();
        if (!readOnly) {
            for (String f : SYSTEM) permanent.add(Value.atom(f));
            for (String k : known) permanent.add(Value.atom(k));
            permanent.add(Value.atom("\\*"));
        }
        return new Response.Condition(Response.Status.OK,
                Optional.of(new ResponseCode("PERMANENTFLAGS", List.of(new Value.ListOf(permanent)))),
                readOnly ? "Read-only mailbox" : "Flags permitted");
    }

    /**
     * FLAGS and PERMANENTFLAGS again if {@code messages} carry a keyword not told yet (read-only: FLAGS alone,
     * PERMANENTFLAGS stays empty); else nothing.
     */
    List<Response> announce(Collection<MessageMeta> messages) {
        if (!learn(messages)) return List.of();
        return readOnly ? List.of(flags()) : List.of(flags(), permanentFlags());
    }

    /** The same for a change from the store: new messages and flag changes may carry keywords. */
    List<Response> announce(FolderChange change) {
        return switch (change) {
            case FolderChange.Added added -> announce(added.messages());
            case FolderChange.FlagsChanged changed -> announce(changed.messages());
            case FolderChange.Expunged expunged -> List.of();
            case FolderChange.Reset reset -> List.of();
        };
    }

    private boolean learn(Collection<MessageMeta> messages) {
        boolean grew = false;
        for (MessageMeta m : messages) {
            for (String f : m.flags()) if (!f.startsWith("\\") && known.add(f)) grew = true;
        }
        return grew;
    }
}
