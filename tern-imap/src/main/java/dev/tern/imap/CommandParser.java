package dev.tern.imap;

import dev.tern.mail.ModifiedUtf7;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses a complete command (RFC 9051 §6, grammar §9) into a {@link Command}. Stateless: the session says in
 * which {@link TextMode} mailbox names arrive. Whether the command is allowed in the session's state is the
 * session's question, not this one's.
 */
public final class CommandParser {
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    private CommandParser() {}

    public static Command parse(RawCommand raw, TextMode mode) {
        byte[] first = raw.lines().getFirst();
        String tag = CommandReader.tagOf(first);
        if (tag.equals("*")) {
            return new Command.Invalid("*", new Response.Condition(Response.Status.BAD, Optional.empty(), "Missing or invalid tag"));
        }
        Lexer in = new Lexer(raw);
        try {
            in.charsWhile(c -> c != ' ');
            in.sp();
            Command command = command(tag, in.atom().toUpperCase(Locale.ROOT), in, mode);
            in.end();
            return command;
        } catch (Lexer.Refusal r) {
            return new Command.Invalid(tag, new Response.Tagged(tag, r.status, r.code, r.getMessage()));
        }
    }

    private static Command command(String tag, String name, Lexer in, TextMode mode) {
        return switch (name) {
            case "CAPABILITY" -> new Command.Capability(tag);
            case "NOOP" -> new Command.Noop(tag);
            case "LOGOUT" -> new Command.Logout(tag);
            case "STARTTLS" -> new Command.StartTls(tag);
            case "AUTHENTICATE" -> authenticate(tag, in);
            case "LOGIN" -> {
                in.sp();
                String user = in.astring();
                in.sp();
                yield new Command.Login(tag, user, in.astring());
            }
            case "ENABLE" -> {
                List<String> capabilities = new ArrayList<>();
                do {
                    in.sp();
                    capabilities.add(in.atom());
                } while (in.peek() == ' ');
                yield new Command.Enable(tag, capabilities);
            }
            case "SELECT", "EXAMINE" -> select(tag, name.equals("EXAMINE"), in, mode);
            case "CREATE" -> create(tag, in, mode);
            case "DELETE" -> new Command.Delete(tag, spMailbox(in, mode));
            case "RENAME" -> new Command.Rename(tag, spMailbox(in, mode), spMailbox(in, mode));
            case "SUBSCRIBE" -> new Command.Subscribe(tag, spMailbox(in, mode));
            case "UNSUBSCRIBE" -> new Command.Unsubscribe(tag, spMailbox(in, mode));
            case "LIST" -> ListParser.list(tag, in, mode);
            case "LSUB" -> {
                in.sp();
                String reference = decoded(in.astring(), mode);
                in.sp();
                yield new Command.Lsub(tag, reference, decoded(in.listMailbox(), mode));
            }
            case "NAMESPACE" -> new Command.Namespace(tag);
            case "STATUS" -> {
                MailboxName mailbox = spMailbox(in, mode);
                in.sp();
                yield new Command.Status(tag, mailbox, ListParser.statusItems(in));
            }
            case "APPEND" -> append(tag, in, mode);
            case "IDLE" -> new Command.Idle(tag);
            case "CLOSE" -> new Command.Close(tag);
            case "UNSELECT" -> new Command.Unselect(tag);
            case "CHECK" -> new Command.Check(tag);
            case "EXPUNGE" -> new Command.Expunge(tag, Optional.empty());
            case "SEARCH" -> SearchParser.search(tag, false, in);
            case "FETCH" -> FetchParser.fetch(tag, false, in);
            case "STORE" -> store(tag, false, in);
            case "COPY" -> new Command.Copy(tag, false, spSet(in), spMailbox(in, mode));
            case "MOVE" -> new Command.Move(tag, false, spSet(in), spMailbox(in, mode));
            case "UID" -> uid(tag, in, mode);
            case "ID" -> id(tag, in);
            default -> throw Lexer.syntax("Unknown command");
        };
    }

    // RFC 9051 §6.4.9: UID COPY, MOVE, FETCH, SEARCH, STORE, EXPUNGE (RFC 4315 §2.1).
    private static Command uid(String tag, Lexer in, TextMode mode) {
        in.sp();
        return switch (in.atom().toUpperCase(Locale.ROOT)) {
            case "FETCH" -> FetchParser.fetch(tag, true, in);
            case "SEARCH" -> SearchParser.search(tag, true, in);
            case "STORE" -> store(tag, true, in);
            case "COPY" -> new Command.Copy(tag, true, spSet(in), spMailbox(in, mode));
            case "MOVE" -> new Command.Move(tag, true, spSet(in), spMailbox(in, mode));
            case "EXPUNGE" -> new Command.Expunge(tag, Optional.of(spSet(in)));
            default -> throw Lexer.syntax("Unknown UID command");
        };
    }

    private static Command authenticate(String tag, Lexer in) {
        in.sp();
        String mechanism = in.atom().toUpperCase(Locale.ROOT);
        if (in.peek() != ' ') return new Command.Authenticate(tag, mechanism, Optional.empty());
        in.sp();
        // RFC 4959 §3: initial-response = base64 / "=".
        String response = in.charsWhile(c -> Character.isLetterOrDigit(c) && c < 0x80 || c == '+' || c == '/' || c == '=');
        if (response.isEmpty()) throw Lexer.syntax("Expected a base64 initial response");
        return new Command.Authenticate(tag, mechanism, Optional.of(response.equals("=") ? "" : response));
    }

    private static Command select(String tag, boolean readOnly, Lexer in, TextMode mode) {
        MailboxName mailbox = spMailbox(in, mode);
        boolean condStore = false;
        Optional<Command.Qresync> qresync = Optional.empty();
        if (in.peek() == ' ') {
            in.sp();
            in.expect('(');
            do {
                String parameter = in.atom().toUpperCase(Locale.ROOT);
                switch (parameter) {
                    case "CONDSTORE" -> condStore = true; // RFC 7162 §3.1.8
                    case "QRESYNC" -> {
                        in.sp();
                        qresync = Optional.of(qresync(in));
                    }
                    default -> throw Lexer.syntax("Unknown SELECT parameter");
                }
            } while (in.tryChar(' '));
            in.expect(')');
        }
        return new Command.Select(tag, mailbox, readOnly, condStore, qresync);
    }

    // RFC 7162 §3.2.5: QRESYNC (uidvalidity modseq [known-uids] [(seqs uids)]).
    private static Command.Qresync qresync(Lexer in) {
        in.expect('(');
        long uidValidity = in.nzNumber();
        in.sp();
        long modSeq = in.number();
        if (modSeq == 0) throw Lexer.syntax("mod-sequence-value is non-zero");
        Optional<SequenceSet> known = Optional.empty();
        Optional<SequenceSet> seqs = Optional.empty();
        Optional<SequenceSet> uids = Optional.empty();
        if (in.tryChar(' ')) {
            if (in.peek() != '(') known = Optional.of(in.sequenceSet());
            if (known.isEmpty() || in.tryChar(' ')) {
                in.expect('(');
                seqs = Optional.of(in.sequenceSet());
                in.sp();
                uids = Optional.of(in.sequenceSet());
                in.expect(')');
            }
        }
        in.expect(')');
        return new Command.Qresync(uidValidity, modSeq, known, seqs, uids);
    }

    private static Command create(String tag, Lexer in, TextMode mode) {
        MailboxName mailbox = spMailbox(in, mode);
        List<Flag> use = new ArrayList<>();
        if (in.tryChar(' ')) {
            in.expect('(');
            if (!in.atom().equalsIgnoreCase("USE")) throw Lexer.syntax("Unknown CREATE parameter");
            in.sp();
            use.addAll(flagList(in));
            if (use.isEmpty()) throw Lexer.syntax("USE needs a special-use attribute");
            in.expect(')');
        }
        return new Command.Create(tag, mailbox, use);
    }

    private static Command append(String tag, Lexer in, TextMode mode) {
        MailboxName mailbox = spMailbox(in, mode);
        in.sp();
        List<Flag> flags = List.of();
        if (in.peek() == '(') {
            flags = flagList(in);
            in.sp();
        }
        Optional<OffsetDateTime> date = Optional.empty();
        if (in.peek() == '"') {
            date = Optional.of(dateTime(in.string()));
            in.sp();
        }
        knownSystemFlags(flags);
        Lexer.Literal data = in.literal();
        return new Command.Append(tag, mailbox, flags, date, data.octets(), data.binary());
    }

    private static Command store(String tag, boolean uid, Lexer in) {
        SequenceSet set = spSet(in);
        in.sp();
        OptionalLong unchangedSince = OptionalLong.empty();
        if (in.tryChar('(')) {
            // RFC 7162 §3.1.3: UNCHANGEDSINCE mod-sequence-valzer (zero allowed).
            if (!in.atom().equalsIgnoreCase("UNCHANGEDSINCE")) throw Lexer.syntax("Unknown STORE modifier");
            in.sp();
            unchangedSince = OptionalLong.of(in.number());
            in.expect(')');
            in.sp();
        }
        Command.StoreMode mode = in.tryChar('+') ? Command.StoreMode.ADD : in.tryChar('-') ? Command.StoreMode.REMOVE : Command.StoreMode.REPLACE;
        String item = in.atom().toUpperCase(Locale.ROOT);
        if (!item.equals("FLAGS") && !item.equals("FLAGS.SILENT")) throw Lexer.syntax("Expected FLAGS or FLAGS.SILENT");
        in.sp();
        List<Flag> flags = new ArrayList<>();
        if (in.peek() == '(') {
            flags.addAll(flagList(in));
        } else {
            do flags.add(flag(in)); while (in.tryChar(' '));
        }
        for (Flag f : flags) {
            // RFC 3501 §2.3.2: \Recent is the server's; RFC 9051 has no \* to store.
            if (f.equals(Flag.RECENT) || f.equals(Flag.ANY_KEYWORD)) throw Lexer.syntax("That flag cannot be stored");
        }
        knownSystemFlags(flags);
        return new Command.Store(tag, uid, set, unchangedSince, mode, item.endsWith(".SILENT"), flags);
    }

    // RFC 2971 §3.1: "(" string SP nstring *(SP string SP nstring) ")" / NIL, at most 30 pairs.
    private static Command id(String tag, Lexer in) {
        in.sp();
        Map<String, Optional<String>> fields = new LinkedHashMap<>();
        if (in.tryChar('(')) {
            do {
                String field = in.string();
                in.sp();
                Optional<String> value = in.nstring();
                if (field.length() > 30 || value.map(String::length).orElse(0) > 1024) throw Lexer.syntax("ID field or value too long");
                fields.put(field, value);
                if (fields.size() > 30) throw Lexer.syntax("Too many ID fields");
            } while (in.tryChar(' '));
            in.expect(')');
        } else if (!in.atom().equalsIgnoreCase("NIL")) {
            throw Lexer.syntax("Expected a list or NIL");
        }
        return new Command.Id(tag, fields);
    }

    private static final java.util.Set<Flag> STORABLE_SYSTEM_FLAGS =
            java.util.Set.of(Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED, Flag.DELETED, Flag.DRAFT);

    /**
     * RFC 9051 §2.3.2: the system flags are the five defined ones. Another {@code \name} (a flag-extension,
     * §9) is refused with BAD, as Dovecot does, rather than stored as an unknown flag or silently dropped.
     * \Recent is the caller's to judge: STORE refuses it, APPEND drops it for RFC 3501 clients that copy it along.
     */
    private static void knownSystemFlags(List<Flag> flags) {
        for (Flag f : flags) {
            if (f.isSystem() && !STORABLE_SYSTEM_FLAGS.contains(f) && !f.equals(Flag.RECENT)) {
                throw Lexer.syntax("Unknown system flag " + f.name());
            }
        }
    }

    static List<Flag> flagList(Lexer in) {
        in.expect('(');
        List<Flag> flags = new ArrayList<>();
        if (in.tryChar(')')) return flags;
        do flags.add(flag(in)); while (in.tryChar(' '));
        in.expect(')');
        return flags;
    }

    static Flag flag(Lexer in) {
        boolean system = in.tryChar('\\');
        String name = in.atom();
        if (!system && name.equalsIgnoreCase("NIL")) throw Lexer.syntax("NIL is not a flag");
        return new Flag(system ? "\\" + name : name);
    }

    static MailboxName spMailbox(Lexer in, TextMode mode) {
        in.sp();
        return MailboxName.decode(in.astring(), mode).orElseThrow(() -> Lexer.syntax("Invalid mailbox name"));
    }

    static String decoded(String wire, TextMode mode) {
        if (mode == TextMode.UTF8) return wire;
        return ModifiedUtf7.decode(wire).orElseThrow(() -> Lexer.syntax("Invalid modified UTF-7 in mailbox name"));
    }

    static SequenceSet spSet(Lexer in) {
        in.sp();
        return in.sequenceSet();
    }

    // RFC 9051 §9: date-text = date-day "-" date-month "-" date-year.
    static LocalDate date(String text) {
        String[] parts = text.split("-", -1);
        if (parts.length != 3 || !parts[0].matches("[0-9]{1,2}") || !parts[2].matches("[0-9]{4}")) throw Lexer.syntax("Invalid date");
        int month = MONTHS.indexOf(parts[1].toLowerCase(Locale.ROOT)) + 1;
        try {
            return LocalDate.of(Integer.parseInt(parts[2]), month, Integer.parseInt(parts[0]));
        } catch (DateTimeException e) {
            throw Lexer.syntax("Invalid date"); // month 0 (unknown name) or 31-Feb: the client's mistake
        }
    }

    // RFC 9051 §9: date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE.
    static OffsetDateTime dateTime(String text) {
        if (!text.matches("[ 0-9][0-9]-[A-Za-z]{3}-[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}")) throw Lexer.syntax("Invalid date-time");
        LocalDate day = date(text.substring(0, 11).strip());
        try {
            int zone = Integer.parseInt(text.substring(22, 24)) * 3600 + Integer.parseInt(text.substring(24, 26)) * 60;
            return OffsetDateTime.of(day.getYear(), day.getMonthValue(), day.getDayOfMonth(),
                    Integer.parseInt(text.substring(12, 14)), Integer.parseInt(text.substring(15, 17)), Integer.parseInt(text.substring(18, 20)),
                    0, ZoneOffset.ofTotalSeconds(text.charAt(21) == '-' ? -zone : zone));
        } catch (DateTimeException e) {
            throw Lexer.syntax("Invalid date-time"); // 25:00:00 or a zone past 18 hours
        }
    }
}
