package dev.tern.imap;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One IMAP command as {@link CommandParser} understood it (RFC 9051 §6). Every command carries its tag; a
 * command that is not valid is an {@link Invalid} carrying the reply to send, never an exception.
 */
public sealed interface Command {
    String tag();

    // RFC 9051 §6.1: any state.
    record Capability(String tag) implements Command {}

    record Noop(String tag) implements Command {}

    record Logout(String tag) implements Command {}

    // RFC 9051 §6.2: not authenticated.
    record StartTls(String tag) implements Command {}

    /** §6.2.2 with SASL-IR (RFC 4959): the initial response as sent in base64; {@code =} is an empty one. */
    record Authenticate(String tag, String mechanism, Optional<String> initialResponse) implements Command {
        @Override
        public String toString() {
            return "Authenticate[" + tag + ", " + mechanism + (initialResponse.isPresent() ? ", <redacted>]" : "]");
        }
    }

    /** §6.2.3. Never logged: the password is left out of {@link #toString()}. */
    record Login(String tag, String user, String password) implements Command {
        @Override
        public String toString() {
            return "Login[" + tag + ", " + user + ", <redacted>]";
        }
    }

    // RFC 9051 §6.3: authenticated.
    /** §6.3.1, RFC 5161. */
    record Enable(String tag, List<String> capabilities) implements Command {
        public Enable {
            capabilities = List.copyOf(capabilities);
        }
    }

    /** RFC 7162 §3.2.5: the client's knowledge for QRESYNC; the sets are UIDs, and sequence numbers matched to UIDs. */
    record Qresync(long uidValidity, long modSeq, Optional<SequenceSet> knownUids,
            Optional<SequenceSet> knownSequenceNumbers, Optional<SequenceSet> matchingUids) {}

    /** §6.3.2 SELECT, §6.3.3 EXAMINE ({@code readOnly}), with RFC 7162 CONDSTORE and QRESYNC parameters. */
    record Select(String tag, MailboxName mailbox, boolean readOnly, boolean condStore, Optional<Qresync> qresync) implements Command {}

    /** §6.3.4, with RFC 6154 §5.2 {@code (USE (\Drafts))}. */
    record Create(String tag, MailboxName mailbox, List<Flag> specialUse) implements Command {
        public Create {
            specialUse = List.copyOf(specialUse);
        }
    }

    record Delete(String tag, MailboxName mailbox) implements Command {}

    record Rename(String tag, MailboxName from, MailboxName to) implements Command {}

    record Subscribe(String tag, MailboxName mailbox) implements Command {}

    record Unsubscribe(String tag, MailboxName mailbox) implements Command {}

    /** RFC 5258 §3 selection options (RFC 6154 SPECIAL-USE). */
    enum ListSelection {
        SUBSCRIBED,
        REMOTE,
        RECURSIVEMATCH,
        SPECIAL_USE
    }

    /** RFC 5258 §3 return options (RFC 5819 STATUS, RFC 6154 SPECIAL-USE). */
    enum ListReturn {
        SUBSCRIBED,
        CHILDREN,
        STATUS,
        SPECIAL_USE
    }

    /**
     * §6.3.9 LIST with LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819): patterns decoded to Unicode, with
     * their {@code %} and {@code *} wildcards; the reference may be empty. {@code status} is set with STATUS.
     */
    record ListMailboxes(String tag, Set<ListSelection> selection, String reference, List<String> patterns,
            Set<ListReturn> returns, List<StatusItem> status) implements Command {
        public ListMailboxes {
            selection = enums(Command.ListSelection.class, selection);
            patterns = List.copyOf(patterns);
            returns = enums(Command.ListReturn.class, returns);
            status = List.copyOf(status);
            if (patterns.isEmpty()) throw new IllegalArgumentException("LIST without a pattern");
            if (returns.contains(ListReturn.STATUS) == status.isEmpty()) throw new IllegalArgumentException("STATUS items only with RETURN STATUS");
        }
    }

    /** RFC 3501 §6.3.9. */
    record Lsub(String tag, String reference, String pattern) implements Command {}

    /** §6.3.10, RFC 2342. */
    record Namespace(String tag) implements Command {}

    /** §6.3.11. */
    record Status(String tag, MailboxName mailbox, List<StatusItem> items) implements Command {
        public Status {
            items = List.copyOf(items);
            if (items.isEmpty()) throw new IllegalArgumentException("STATUS without items");
        }
    }

    /** §6.3.12; {@code binary} when the data came as literal8 (RFC 3516 §4.4). One message (no MULTIAPPEND). */
    record Append(String tag, MailboxName mailbox, List<Flag> flags, Optional<OffsetDateTime> internalDate,
            byte[] message, boolean binary) implements Command {
        public Append {
            flags = List.copyOf(flags);
            message = message.clone();
        }

        @Override
        public byte[] message() {
            return message.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Append a && a.tag.equals(tag) && a.mailbox.equals(mailbox) && a.flags.equals(flags)
                    && a.internalDate.equals(internalDate) && Arrays.equals(a.message, message) && a.binary == binary;
        }

        @Override
        public int hashCode() {
            return tag.hashCode() * 31 + Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "Append[" + tag + ", " + mailbox.name() + ", " + flags + ", " + internalDate + ", " + message.length
                    + " octets" + (binary ? ", binary]" : "]");
        }
    }

    /** §6.3.13, RFC 2177: the client ends it with a line {@code DONE}. */
    record Idle(String tag) implements Command {}

    // RFC 9051 §6.4: selected.
    record Close(String tag) implements Command {}

    /** RFC 3691. */
    record Unselect(String tag) implements Command {}

    /** RFC 3501 §6.4.1: a no-op in IMAP4rev2 terms. */
    record Check(String tag) implements Command {}

    /** §6.4.3 EXPUNGE, or UID EXPUNGE (RFC 4315 §2.1) when {@code uids} is present. */
    record Expunge(String tag, Optional<SequenceSet> uids) implements Command {}

    /** RFC 4731 §3.1, RFC 5182 SAVE: what an ESEARCH reply holds. */
    enum SearchReturn {
        MIN,
        MAX,
        ALL,
        COUNT,
        SAVE
    }

    /**
     * §6.4.4. {@code returns} is present when the client wrote {@code RETURN (...)} (answer with ESEARCH);
     * an empty {@code RETURN ()} means ALL (RFC 4731 §3.1).
     */
    record Search(String tag, boolean uid, Optional<String> charset, Optional<Set<SearchReturn>> returns, SearchKey key) implements Command {
        public Search {
            returns = returns.map(r -> enums(SearchReturn.class, r));
        }
    }

    /** §6.4.5, with RFC 7162 CHANGEDSINCE and VANISHED (UID FETCH only). Macros come expanded. */
    record Fetch(String tag, boolean uid, SequenceSet set, List<FetchItem> items, OptionalLong changedSince, boolean vanished) implements Command {
        public Fetch {
            items = List.copyOf(items);
            if (items.isEmpty()) throw new IllegalArgumentException("FETCH without items");
        }
    }

    enum StoreMode {
        ADD,
        REMOVE,
        REPLACE
    }

    /** §6.4.6: {@code +FLAGS}, {@code -FLAGS}, {@code FLAGS}, each {@code .SILENT} or not; RFC 7162 UNCHANGEDSINCE. */
    record Store(String tag, boolean uid, SequenceSet set, OptionalLong unchangedSince, StoreMode mode, boolean silent,
            List<Flag> flags) implements Command {
        public Store {
            flags = List.copyOf(flags);
        }
    }

    /** §6.4.7 COPY and UID COPY. */
    record Copy(String tag, boolean uid, SequenceSet set, MailboxName mailbox) implements Command {}

    /** §6.4.8 MOVE and UID MOVE (RFC 6851). */
    record Move(String tag, boolean uid, SequenceSet set, MailboxName mailbox) implements Command {}

    /** RFC 2971 §3.1: the client's fields (NIL values absent), or none for {@code ID NIL}. */
    record Id(String tag, Map<String, Optional<String>> fields) implements Command {
        public Id {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** An unmodifiable copy in declaration order, so equal commands print alike. */
    private static <E extends Enum<E>> Set<E> enums(Class<E> type, Set<E> values) {
        EnumSet<E> copy = EnumSet.noneOf(type);
        copy.addAll(values);
        return Collections.unmodifiableSet(copy);
    }

    /** Not a valid command: {@code reply} is the BAD (or NO, for an unknown charset) to send. */
    record Invalid(String tag, Response reply) implements Command {}
}
