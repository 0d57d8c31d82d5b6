package dev.tern.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** FETCH and UID FETCH: RFC 9051 §6.4.5, RFC 3516 §4 BINARY, RFC 7162 §3.1.4 CHANGEDSINCE and §3.2.6 VANISHED. */
final class FetchParser {
    private FetchParser() {}

    static Command fetch(String tag, boolean uid, Lexer in) {
        SequenceSet set = CommandParser.spSet(in);
        in.sp();
        List<FetchItem> items = new ArrayList<>();
        if (in.tryChar('(')) {
            do items.add(item(in)); while (in.tryChar(' '));
            in.expect(')');
        } else {
            String name = peekName(in);
            switch (name) {
                case "ALL" -> items.addAll(skip(in, FetchItem.ALL));
                case "FAST" -> items.addAll(skip(in, FetchItem.FAST));
                case "FULL" -> items.addAll(skip(in, FetchItem.FULL));
                default -> items.add(item(in));
            }
        }
        OptionalLong changedSince = OptionalLong.empty();
        boolean vanished = false;
        if (in.tryChar(' ')) {
            in.expect('(');
            do {
                switch (in.atom().toUpperCase(Locale.ROOT)) {
                    case "CHANGEDSINCE" -> {
                        in.sp();
                        long modSeq = in.number();
                        if (modSeq == 0) throw Lexer.syntax("CHANGEDSINCE needs a non-zero mod-sequence");
                        changedSince = OptionalLong.of(modSeq);
                    }
                    case "VANISHED" -> vanished = true;
                    default -> throw Lexer.syntax("Unknown FETCH modifier");
                }
            } while (in.tryChar(' '));
            in.expect(')');
            // RFC 7162 §3.2.6: VANISHED only in UID FETCH, and only with CHANGEDSINCE.
            if (vanished && (!uid || changedSince.isEmpty())) throw Lexer.syntax("VANISHED needs UID FETCH and CHANGEDSINCE");
        }
        return new Command.Fetch(tag, uid, set, items, changedSince, vanished);
    }

    private static List<FetchItem> skip(Lexer in, List<FetchItem> macro) {
        in.atom();
        return macro;
    }

    private static String peekName(Lexer in) {
        // RFC 9051 §6.4.5: a macro stands alone, never inside the parenthesised list.
        return in.lookAhead(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')).toUpperCase(Locale.ROOT);
    }

    private static FetchItem item(Lexer in) {
        String name = in.charsWhile(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.')
                .toUpperCase(Locale.ROOT);
        return switch (name) {
            case "FLAGS" -> new FetchItem.Flags();
            case "INTERNALDATE" -> new FetchItem.InternalDate();
            case "RFC822.SIZE" -> new FetchItem.Rfc822Size();
            case "ENVELOPE" -> new FetchItem.Envelope();
            case "BODYSTRUCTURE" -> new FetchItem.BodyStructure();
            case "UID" -> new FetchItem.Uid();
            case "MODSEQ" -> new FetchItem.ModSeq();
            case "RFC822" -> new FetchItem.Rfc822();
            case "RFC822.HEADER" -> new FetchItem.Rfc822Header();
            case "RFC822.TEXT" -> new FetchItem.Rfc822Text();
            case "BODY" -> in.peek() == '[' ? new FetchItem.BodySection(section(in), false, partial(in)) : new FetchItem.Body();
            case "BODY.PEEK" -> new FetchItem.BodySection(section(in), true, partial(in));
            case "BINARY", "BINARY.PEEK" -> new FetchItem.Binary(binarySection(in), name.endsWith(".PEEK"), partial(in));
            case "BINARY.SIZE" -> new FetchItem.BinarySize(binarySection(in));
            default -> throw Lexer.syntax("Unknown FETCH item");
        };
    }

    // section = "[" [section-spec] "]"; section-spec = section-msgtext / (section-part ["." section-text]).
    private static FetchItem.Section section(Lexer in) {
        in.expect('[');
        List<Integer> part = new ArrayList<>();
        FetchItem.SectionText text = FetchItem.SectionText.ALL;
        List<String> fields = List.of();
        String spec = in.charsWhile(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.')
                .toUpperCase(Locale.ROOT);
        if (!spec.isEmpty()) {
            String[] pieces = spec.split("\\.", -1);
            int i = 0;
            while (i < pieces.length && pieces[i].matches("[0-9]+")) part.add(partNumber(pieces[i++]));
            String rest = String.join(".", java.util.Arrays.copyOfRange(pieces, i, pieces.length));
            text = switch (rest) {
                case "" -> FetchItem.SectionText.ALL;
                case "HEADER" -> FetchItem.SectionText.HEADER;
                case "HEADER.FIELDS" -> FetchItem.SectionText.HEADER_FIELDS;
                case "HEADER.FIELDS.NOT" -> FetchItem.SectionText.HEADER_FIELDS_NOT;
                case "TEXT" -> FetchItem.SectionText.TEXT;
                case "MIME" -> FetchItem.SectionText.MIME;
                default -> throw Lexer.syntax("Invalid section");
            };
            if (rest.isEmpty() && spec.endsWith(".")) throw Lexer.syntax("Invalid section");
            if (text == FetchItem.SectionText.MIME && part.isEmpty()) throw Lexer.syntax("MIME needs a part number");
            if (text == FetchItem.SectionText.HEADER_FIELDS || text == FetchItem.SectionText.HEADER_FIELDS_NOT) {
                in.sp();
                fields = headerList(in);
            }
        }
        in.expect(']');
        return new FetchItem.Section(part, text, fields);
    }

    private static List<String> headerList(Lexer in) {
        in.expect('(');
        List<String> fields = new ArrayList<>();
        do {
            String field = in.astring();
            // RFC 5322 §3.6.8: field names are printable US-ASCII without ':'.
            if (field.isEmpty() || !field.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) throw Lexer.syntax("Invalid header field name");
            fields.add(field);
        } while (in.tryChar(' '));
        in.expect(')');
        return fields;
    }

    // RFC 3516 §4.1: section-binary = "[" [section-part] "]".
    private static List<Integer> binarySection(Lexer in) {
        in.expect('[');
        String spec = in.charsWhile(c -> (c >= '0' && c <= '9') || c == '.');
        in.expect(']');
        List<Integer> part = new ArrayList<>();
        if (spec.isEmpty()) return part;
        for (String p : spec.split("\\.", -1)) part.add(partNumber(p));
        return part;
    }

    private static int partNumber(String digits) {
        if (digits.isEmpty() || digits.length() > 9 || digits.charAt(0) == '0') throw Lexer.syntax("Invalid part number");
        return Integer.parseInt(digits);
    }

    // partial = "<" number64 "." nz-number64 ">".
    private static Optional<FetchItem.Partial> partial(Lexer in) {
        if (!in.tryChar('<')) return Optional.empty();
        long offset = in.number();
        in.expect('.');
        long count = in.number();
        if (count == 0) throw Lexer.syntax("A partial needs a non-zero length");
        in.expect('>');
        return Optional.of(new FetchItem.Partial(offset, count));
    }
}
