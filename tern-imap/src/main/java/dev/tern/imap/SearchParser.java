package dev.tern.imap;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * SEARCH and UID SEARCH: RFC 9051 §6.4.4 (every key), RFC 4731 ESEARCH RETURN options, RFC 5182 SAVE, RFC 7162
 * §3.1.5 MODSEQ, RFC 3501's NEW/OLD/RECENT. Keys in a row are ANDed.
 */
final class SearchParser {
    /** NOT NOT NOT ... needs no parentheses, so the reader's nesting limit does not bound it: this does. */
    private static final int MAX_DEPTH = 64;
    private static final List<String> CHARSETS = List.of("UTF-8", "US-ASCII");

    private SearchParser() {}

    static Command search(String tag, boolean uid, Lexer in) {
        in.sp();
        Optional<Set<Command.SearchReturn>> returns = Optional.empty();
        if (in.lookAhead(Lexer::isAtomChar).equalsIgnoreCase("RETURN")) {
            in.atom();
            in.sp();
            returns = Optional.of(returnOptions(in));
            in.sp();
        }
        Optional<String> charset = Optional.empty();
        if (in.lookAhead(Lexer::isAtomChar).equalsIgnoreCase("CHARSET")) {
            in.atom();
            in.sp();
            String name = in.astring().toUpperCase(Locale.ROOT);
            // RFC 9051 §6.4.4: an unknown charset is NO [BADCHARSET], naming the ones we take.
            if (!CHARSETS.contains(name)) {
                throw new Lexer.Refusal(Response.Status.NO, Optional.of(ResponseCode.badCharset(CHARSETS)), "Unsupported charset");
            }
            charset = Optional.of(name);
            in.sp();
        }
        List<SearchKey> keys = new ArrayList<>();
        do keys.add(key(in, 0)); while (in.tryChar(' '));
        SearchKey key = keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
        return new Command.Search(tag, uid, charset, returns, key);
    }

    private static Set<Command.SearchReturn> returnOptions(Lexer in) {
        in.expect('(');
        Set<Command.SearchReturn> options = EnumSet.noneOf(Command.SearchReturn.class);
        if (in.tryChar(')')) return options;
        do {
            try {
                options.add(Command.SearchReturn.valueOf(in.atom().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw Lexer.syntax("Unknown SEARCH return option"); // not an option name: the client's mistake
            }
        } while (in.tryChar(' '));
        in.expect(')');
        return options;
    }

    private static SearchKey key(Lexer in, int depth) {
        if (depth > MAX_DEPTH) throw Lexer.syntax("Search keys nested too deeply");
        int c = in.peek();
        if (c == '(') {
            in.expect('(');
            List<SearchKey> keys = new ArrayList<>();
            do keys.add(key(in, depth + 1)); while (in.tryChar(' '));
            in.expect(')');
            return keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
        }
        if ((c >= '0' && c <= '9') || c == '*' || c == '$') return new SearchKey.Sequence(in.sequenceSet());
        String name = in.atom().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "ALL" -> new SearchKey.All();
            case "ANSWERED" -> new SearchKey.HasFlag(Flag.ANSWERED);
            case "DELETED" -> new SearchKey.HasFlag(Flag.DELETED);
            case "DRAFT" -> new SearchKey.HasFlag(Flag.DRAFT);
            case "FLAGGED" -> new SearchKey.HasFlag(Flag.FLAGGED);
            case "SEEN" -> new SearchKey.HasFlag(Flag.SEEN);
            case "RECENT" -> new SearchKey.HasFlag(Flag.RECENT);
            case "UNANSWERED" -> new SearchKey.LacksFlag(Flag.ANSWERED);
            case "UNDELETED" -> new SearchKey.LacksFlag(Flag.DELETED);
            case "UNDRAFT" -> new SearchKey.LacksFlag(Flag.DRAFT);
            case "UNFLAGGED" -> new SearchKey.LacksFlag(Flag.FLAGGED);
            case "UNSEEN" -> new SearchKey.LacksFlag(Flag.SEEN);
            // RFC 3501 §6.4.4: NEW is RECENT UNSEEN, OLD is NOT RECENT.
            case "NEW" -> new SearchKey.And(List.of(new SearchKey.HasFlag(Flag.RECENT), new SearchKey.LacksFlag(Flag.SEEN)));
            case "OLD" -> new SearchKey.LacksFlag(Flag.RECENT);
            case "KEYWORD" -> new SearchKey.HasFlag(keyword(in));
            case "UNKEYWORD" -> new SearchKey.LacksFlag(keyword(in));
            case "BCC" -> new SearchKey.Header("Bcc", spString(in));
            case "CC" -> new SearchKey.Header("Cc", spString(in));
            case "FROM" -> new SearchKey.Header("From", spString(in));
            case "TO" -> new SearchKey.Header("To", spString(in));
            case "SUBJECT" -> new SearchKey.Header("Subject", spString(in));
            case "HEADER" -> new SearchKey.Header(spString(in), spString(in));
            case "BODY" -> new SearchKey.Body(spString(in));
            case "TEXT" -> new SearchKey.Text(spString(in));
            case "BEFORE" -> new SearchKey.InternalDate(SearchKey.Comparison.BEFORE, spDate(in));
            case "ON" -> new SearchKey.InternalDate(SearchKey.Comparison.ON, spDate(in));
            case "SINCE" -> new SearchKey.InternalDate(SearchKey.Comparison.SINCE, spDate(in));
            case "SENTBEFORE" -> new SearchKey.SentDate(SearchKey.Comparison.BEFORE, spDate(in));
            case "SENTON" -> new SearchKey.SentDate(SearchKey.Comparison.ON, spDate(in));
            case "SENTSINCE" -> new SearchKey.SentDate(SearchKey.Comparison.SINCE, spDate(in));
            case "LARGER" -> new SearchKey.Larger(spNumber(in));
            case "SMALLER" -> new SearchKey.Smaller(spNumber(in));
            case "UID" -> new SearchKey.Uid(CommandParser.spSet(in));
            case "MODSEQ" -> modSeq(in);
            case "NOT" -> {
                in.sp();
                yield new SearchKey.Not(key(in, depth + 1));
            }
            case "OR" -> {
                in.sp();
                SearchKey left = key(in, depth + 1);
                in.sp();
                yield new SearchKey.Or(left, key(in, depth + 1));
            }
            default -> throw Lexer.syntax("Unknown search key");
        };
    }

    private static Flag keyword(Lexer in) {
        in.sp();
        String atom = in.atom();
        if (atom.startsWith("\\")) throw Lexer.syntax("Expected a keyword, not a system flag");
        return new Flag(atom);
    }

    private static String spString(Lexer in) {
        in.sp();
        return in.astring();
    }

    private static long spNumber(Lexer in) {
        in.sp();
        return in.number();
    }

    // RFC 9051 §9: date = date-text / DQUOTE date-text DQUOTE.
    private static java.time.LocalDate spDate(Lexer in) {
        in.sp();
        return CommandParser.date(in.peek() == '"' ? in.string() : in.atom());
    }

    // RFC 7162 §3.1.5: MODSEQ [entry-name SP entry-type-req SP] mod-sequence-valzer; the entry is accepted, not used.
    private static SearchKey modSeq(Lexer in) {
        in.sp();
        if (in.peek() == '"') {
            in.string();
            in.sp();
            String type = in.atom().toLowerCase(Locale.ROOT);
            if (!type.equals("priv") && !type.equals("shared") && !type.equals("all")) throw Lexer.syntax("Invalid entry type");
            in.sp();
        }
        return new SearchKey.ModSeq(in.number());
    }
}
