package dev.tern.pop3;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses one command line (without its CRLF) into a {@link Command}. Pure and stateless.
 *
 * <p>Leniency, on purpose: keywords in any case (RFC 1939 §3), runs of spaces between arguments and trailing
 * spaces are accepted (RFC 1939 asks for single spaces; some clients send more), and lines up to
 * {@link #MAX_COMMAND_LINE} octets with the CRLF, where RFC 2449 §4 allows 255; an AUTH line may be as long as a
 * SASL response ({@link #MAX_AUTH_LINE}), since RFC 5034 §4's initial response makes it long. The text must be
 * UTF-8 (user names and passwords may be), with no control characters.
 */
public final class CommandParser {
    /** RFC 2449 §4 says 255 octets with the CRLF; Tern takes twice that for clients that overshoot. */
    public static final int MAX_COMMAND_LINE = 512;

    /** A SASL response line with its CRLF: 12,288 octets of base64 (as SMTP's RFC 4954 §4 limit), plus CRLF. */
    public static final int MAX_AUTH_LINE = 12_288 + 2;

    /** Longest user name taken (RFC 4616 §2's authcid bound); RFC 1939's 40 characters is too few for addresses. */
    static final int MAX_USER = 255;

    private CommandParser() {}

    public static Command parse(byte[] line) {
        Optional<String> decoded = utf8(line);
        if (decoded.isEmpty()) return new Command.Invalid("command line is not valid UTF-8");
        String text = decoded.get();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) return new Command.Invalid("control character in command line");
        }
        int space = text.indexOf(' ');
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space + 1);
        if (keyword.isEmpty()) return new Command.Invalid("empty command line");
        // RFC 2449 §4: command lines are limited; AUTH's initial response may be longer (RFC 5034 §4).
        if (line.length + 2 > MAX_COMMAND_LINE && !keyword.equals("AUTH")) {
            return new Command.Invalid("command line too long (at most " + MAX_COMMAND_LINE + " octets)");
        }
        return switch (keyword) {
            case "CAPA" -> none(rest, new Command.Capa());
            case "STLS" -> none(rest, new Command.Stls());
            case "STAT" -> none(rest, new Command.Stat());
            case "RSET" -> none(rest, new Command.Rset());
            case "NOOP" -> none(rest, new Command.Noop());
            case "QUIT" -> none(rest, new Command.Quit());
            case "USER" -> user(rest.strip());
            case "PASS" -> rest.isEmpty() ? new Command.Invalid("PASS needs a password") : new Command.Pass(rest);
            case "AUTH" -> auth(words(rest));
            case "LIST" -> optionalNumber(words(rest), "LIST").map(Command.List::new, Command.Invalid::new);
            case "UIDL" -> optionalNumber(words(rest), "UIDL").map(Command.Uidl::new, Command.Invalid::new);
            case "RETR" -> oneNumber(words(rest), "RETR", n -> new Command.Retr(n));
            case "DELE" -> oneNumber(words(rest), "DELE", n -> new Command.Dele(n));
            case "TOP" -> top(words(rest));
            default -> new Command.Unknown(keyword.length() <= 4 ? keyword : keyword.substring(0, 4));
        };
    }

    private static Command none(String rest, Command command) {
        return rest.isBlank() ? command : new Command.Invalid("this command takes no arguments");
    }

    private static Command user(String name) {
        if (name.isEmpty()) return new Command.Invalid("USER needs a name");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_USER) return new Command.Invalid("user name too long");
        return new Command.User(name);
    }

    private static Command auth(java.util.List<String> words) {
        return switch (words.size()) {
            case 0 -> new Command.Auth(Optional.empty(), Optional.empty());
            case 1 -> new Command.Auth(Optional.of(words.get(0)), Optional.empty());
            case 2 -> new Command.Auth(Optional.of(words.get(0)), Optional.of(words.get(1)));
            default -> new Command.Invalid("AUTH takes a mechanism and an optional initial response");
        };
    }

    private static Command top(java.util.List<String> words) {
        if (words.size() != 2) return new Command.Invalid("TOP needs a message number and a line count");
        Optional<Integer> message = number(words.get(0));
        Optional<Integer> lines = number(words.get(1));
        if (message.isEmpty() || lines.isEmpty()) return new Command.Invalid("TOP needs a message number and a line count");
        if (message.get() == 0) return new Command.Invalid("no such message (numbers start at 1)");
        return new Command.Top(message.get(), lines.get());
    }

    private static Command oneNumber(java.util.List<String> words, String keyword,
                                     java.util.function.IntFunction<Command> command) {
        if (words.size() != 1) return new Command.Invalid(keyword + " needs one message number");
        Optional<Integer> n = number(words.get(0));
        if (n.isEmpty()) return new Command.Invalid(keyword + " needs one message number");
        if (n.get() == 0) return new Command.Invalid("no such message (numbers start at 1)");
        return command.apply(n.get());
    }

    /** Either a message number (or none) or the reason it is not one. */
    private record OptionalNumber(Optional<Integer> number, String error) {
        Command map(java.util.function.Function<Optional<Integer>, Command> ok,
                        java.util.function.Function<String, Command> bad) {
            return error == null ? ok.apply(number) : bad.apply(error);
        }
    }

    private static OptionalNumber optionalNumber(java.util.List<String> words, String keyword) {
        if (words.isEmpty()) return new OptionalNumber(Optional.empty(), null);
        Optional<Integer> n = words.size() == 1 ? number(words.get(0)) : Optional.empty();
        if (n.isEmpty()) return new OptionalNumber(Optional.empty(), keyword + " takes at most one message number");
        if (n.get() == 0) return new OptionalNumber(Optional.empty(), "no such message (numbers start at 1)");
        return new OptionalNumber(n, null);
    }

    /**
     * A decimal number, no sign. RFC 1939 §3 bounds no number: one past an int saturates at
     * {@link Integer#MAX_VALUE}, which names no message (LIST, RETR: "no such message") and is more lines than
     * any body has (TOP n 4294967295, as some clients send for "the whole message").
     */
    static Optional<Integer> number(String word) {
        if (word.isEmpty()) return Optional.empty();
        for (int i = 0; i < word.length(); i++) {
            if (word.charAt(i) < '0' || word.charAt(i) > '9') return Optional.empty();
        }
        String digits = word.replaceFirst("^0+(?=.)", "");
        return Optional.of(digits.length() > 10 ? Integer.MAX_VALUE : (int) Math.min(Long.parseLong(digits), Integer.MAX_VALUE));
    }

    private static java.util.List<String> words(String rest) {
        java.util.List<String> words = new ArrayList<>();
        for (String word : rest.split(" +")) {
            if (!word.isEmpty()) words.add(word);
        }
        return words;
    }

    private static Optional<String> utf8(byte[] octets) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets)).toString());
        } catch (CharacterCodingException e) { // the client's malformed text: an Invalid command, not an error
            return Optional.empty();
        }
    }
}
