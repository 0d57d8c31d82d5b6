package dev.tern.imap;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** LIST with LIST-EXTENDED (RFC 5258 §3, §6 grammar), LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154). */
final class ListParser {
    private ListParser() {}

    static Command list(String tag, Lexer in, TextMode mode) {
        in.sp();
        Set<Command.ListSelection> selection = EnumSet.noneOf(Command.ListSelection.class);
        if (in.tryChar('(')) {
            if (!in.tryChar(')')) {
                do selection.add(selectionOption(in.atom())); while (in.tryChar(' '));
                in.expect(')');
            }
            in.sp();
            // RFC 5258 §3.1: RECURSIVEMATCH needs another option to modify (REMOTE does not count).
            Set<Command.ListSelection> others = EnumSet.copyOf(selection);
            others.removeAll(EnumSet.of(Command.ListSelection.RECURSIVEMATCH, Command.ListSelection.REMOTE));
            if (selection.contains(Command.ListSelection.RECURSIVEMATCH) && others.isEmpty()) {
                throw Lexer.syntax("RECURSIVEMATCH needs another selection option");
            }
        }
        String reference = CommandParser.decoded(in.astring(), mode);
        in.sp();
        List<String> patterns = new ArrayList<>();
        if (in.tryChar('(')) {
            do patterns.add(CommandParser.decoded(in.listMailbox(), mode)); while (in.tryChar(' '));
            in.expect(')');
        } else {
            patterns.add(CommandParser.decoded(in.listMailbox(), mode));
        }
        Set<Command.ListReturn> returns = EnumSet.noneOf(Command.ListReturn.class);
        List<StatusItem> status = List.of();
        if (in.tryChar(' ')) {
            if (!in.atom().equalsIgnoreCase("RETURN")) throw Lexer.syntax("Expected RETURN");
            in.sp();
            in.expect('(');
            if (!in.tryChar(')')) {
                do {
                    Command.ListReturn option = returnOption(in.atom());
                    returns.add(option);
                    if (option == Command.ListReturn.STATUS) {
                        in.sp();
                        status = statusItems(in);
                    }
                } while (in.tryChar(' '));
                in.expect(')');
            }
        }
        return new Command.ListMailboxes(tag, selection, reference, patterns, returns, status);
    }

    private static Command.ListSelection selectionOption(String atom) {
        return switch (atom.toUpperCase(Locale.ROOT)) {
            case "SUBSCRIBED" -> Command.ListSelection.SUBSCRIBED;
            case "REMOTE" -> Command.ListSelection.REMOTE;
            case "RECURSIVEMATCH" -> Command.ListSelection.RECURSIVEMATCH;
            case "SPECIAL-USE" -> Command.ListSelection.SPECIAL_USE;
            default -> throw Lexer.syntax("Unknown LIST selection option");
        };
    }

    private static Command.ListReturn returnOption(String atom) {
        return switch (atom.toUpperCase(Locale.ROOT)) {
            case "SUBSCRIBED" -> Command.ListReturn.SUBSCRIBED;
            case "CHILDREN" -> Command.ListReturn.CHILDREN;
            case "STATUS" -> Command.ListReturn.STATUS;
            case "SPECIAL-USE" -> Command.ListReturn.SPECIAL_USE;
            default -> throw Lexer.syntax("Unknown LIST return option");
        };
    }

    /** {@code (MESSAGES UNSEEN ...)}: RFC 9051 §6.3.11, at least one item. */
    static List<StatusItem> statusItems(Lexer in) {
        in.expect('(');
        List<StatusItem> items = new ArrayList<>();
        do {
            String atom = in.atom().toUpperCase(Locale.ROOT);
            try {
                items.add(StatusItem.valueOf(atom));
            } catch (IllegalArgumentException e) {
                throw Lexer.syntax("Unknown STATUS item"); // not an item name: the client's mistake
            }
        } while (in.tryChar(' '));
        in.expect(')');
        return items;
    }
}
