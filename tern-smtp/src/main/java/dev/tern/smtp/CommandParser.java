package dev.tern.smtp;

import dev.tern.mail.Domain;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns one command line into a {@link Command} (RFC 5321 §4.1.1, §4.1.2). Never throws for bad input: a line
 * that is not a valid command is a {@link Command.Invalid} carrying the reply.
 *
 * <p>The line must have been decoded from UTF-8 with malformed input replaced by U+FFFD (the default of
 * {@code new String(bytes, UTF_8)}); such a line is refused, as is any line holding a control character, so
 * nothing parsed here can carry CR, LF, NUL or a bidi override into replies, logs, the spool or headers.
 *
 * <p>Immutable and thread-safe.
 */
public final class CommandParser {
    // RFC 3030 §2: chunk-size = 1*DIGIT; 18 digits always fit in a long.
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9]{1,18}");

    private final Domain postmasterDomain;

    /** {@code postmasterDomain} completes {@code RCPT TO:<postmaster>} (RFC 5321 §4.1.1.3): the server's name. */
    public CommandParser(Domain postmasterDomain) {
        if (postmasterDomain == null) throw new IllegalArgumentException("no postmaster domain");
        this.postmasterDomain = postmasterDomain;
    }

    /** Parses a line outside an SMTPUTF8 transaction. */
    public Command parse(String line) {
        return parse(line, false);
    }

    /**
     * Parses a line without its CRLF. {@code smtpUtf8Transaction} says whether the current transaction's MAIL
     * carried SMTPUTF8, which allows UTF-8 in RCPT addresses (RFC 6531 §3.4); MAIL decides that for itself.
     */
    public Command parse(String line, boolean smtpUtf8Transaction) {
        String text = stripTrailingSpaces(line);
        if (!SafeText.isSafe(text)) return new Command.Invalid(Replies.BAD_CHARACTERS);
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String args = space < 0 ? "" : text.substring(space + 1);
        // RFC 5321 §2.4: verbs are case-insensitive.
        return switch (verb) {
            case "HELO" -> helo(args, false);
            case "EHLO" -> helo(args, true);
            case "MAIL" -> mail(args);
            case "RCPT" -> rcpt(args, smtpUtf8Transaction);
            case "DATA" -> noArguments(args, new Command.Data());
            case "BDAT" -> bdat(args);
            case "RSET" -> noArguments(args, new Command.Rset());
            case "NOOP" -> new Command.Noop(); // RFC 5321 §4.1.1.9: an argument is allowed and ignored
            case "QUIT" -> noArguments(args, new Command.Quit());
            case "VRFY" -> args.isEmpty() ? invalid(Replies.BAD_ARGUMENTS) : new Command.Vrfy(args);
            case "EXPN" -> args.isEmpty() ? invalid(Replies.BAD_ARGUMENTS) : new Command.Expn(args);
            case "HELP" -> new Command.Help(args);
            case "STARTTLS" -> noArguments(args, new Command.StartTls());
            case "AUTH" -> args.isEmpty() ? invalid(Replies.BAD_ARGUMENTS) : new Command.Auth(args);
            default -> invalid(Replies.UNKNOWN_COMMAND);
        };
    }

    /** RFC 5321 §4.1.1.1: "HELO" SP Domain, "EHLO" SP ( Domain / address-literal ). */
    private Command helo(String args, boolean extended) {
        if (args.isEmpty() || args.indexOf(' ') >= 0) return invalid(Replies.BAD_HELO);
        Domain client;
        try {
            client = args.startsWith("[") && args.regionMatches(true, 0, "[IPv6:", 0, 6)
                    ? Domain.parse("[IPv6:" + args.substring(6)) : Domain.parse(args);
        } catch (IllegalArgumentException e) { // not a domain or literal: the client's syntax error
            return invalid(Replies.BAD_HELO);
        }
        return extended ? new Command.Ehlo(client) : new Command.Helo(client);
    }

    /** RFC 5321 §4.1.1.2: "MAIL FROM:" Reverse-path [SP Mail-parameters]. */
    private Command mail(String args) {
        int pathStart = afterKeyword(args, "FROM:");
        if (pathStart < 0) return invalid(Replies.BAD_ARGUMENTS);
        return switch (PathParser.parse(args, pathStart, PathParser.Role.SENDER, postmasterDomain)) {
            case PathParser.Result.NullPath(int end) -> mailFrom(ReversePath.NULL, false, args, end);
            case PathParser.Result.Found(Mailbox mailbox, int end, boolean utf8) ->
                    mailFrom(ReversePath.of(mailbox), utf8, args, end);
            case PathParser.Result.Failed(Reply reply) -> invalid(reply);
        };
    }

    private static Command mailFrom(ReversePath from, boolean utf8, String args, int end) {
        if (end < args.length() && args.charAt(end) != ' ') return invalid(Replies.BAD_SENDER_SYNTAX);
        return switch (EsmtpParameters.mail(args.substring(end))) {
            case Parsed.Failed<MailOptions>(Reply reply) -> invalid(reply);
            // RFC 6531 §3.4: a non-ASCII address without SMTPUTF8 is 553 5.6.7.
            case Parsed.Ok<MailOptions>(MailOptions options) when utf8 && !options.smtpUtf8() ->
                    invalid(Replies.UTF8_NOT_ALLOWED);
            case Parsed.Ok<MailOptions>(MailOptions options) -> new Command.MailFrom(from, options);
        };
    }

    /** RFC 5321 §4.1.1.3: "RCPT TO:" ( "&lt;Postmaster@" Domain "&gt;" / "&lt;Postmaster&gt;" / Forward-path ) [SP Rcpt-parameters]. */
    private Command rcpt(String args, boolean smtpUtf8) {
        int pathStart = afterKeyword(args, "TO:");
        if (pathStart < 0) return invalid(Replies.BAD_ARGUMENTS);
        return switch (PathParser.parse(args, pathStart, PathParser.Role.RECIPIENT, postmasterDomain)) {
            case PathParser.Result.NullPath _ -> invalid(Replies.BAD_RECIPIENT_SYNTAX);
            case PathParser.Result.Failed(Reply reply) -> invalid(reply);
            case PathParser.Result.Found(Mailbox mailbox, int end, boolean utf8) -> {
                if (end < args.length() && args.charAt(end) != ' ') yield invalid(Replies.BAD_RECIPIENT_SYNTAX);
                yield switch (EsmtpParameters.rcpt(args.substring(end))) {
                    case Parsed.Failed<EsmtpParameters.RcptOptions>(Reply reply) -> invalid(reply);
                    // RFC 6531 §3.4: UTF-8 in RCPT only inside a transaction whose MAIL had SMTPUTF8.
                    case Parsed.Ok<EsmtpParameters.RcptOptions> _ when utf8 && !smtpUtf8 -> invalid(Replies.UTF8_NOT_ALLOWED);
                    case Parsed.Ok<EsmtpParameters.RcptOptions>(var options) ->
                            new Command.RcptTo(new Recipient(mailbox, options.notifyOn(), options.orcpt()));
                };
            }
        };
    }

    /** RFC 3030 §2: "BDAT" SP chunk-size [SP end-marker], end-marker = "LAST". */
    private static Command bdat(String args) {
        String[] words = args.split(" ", -1);
        if (words.length > 2 || !CHUNK_SIZE.matcher(words[0]).matches()) return invalid(Replies.BAD_ARGUMENTS);
        if (words.length == 2 && !words[1].equalsIgnoreCase("LAST")) return invalid(Replies.BAD_ARGUMENTS);
        return new Command.Bdat(Long.parseLong(words[0]), words.length == 2);
    }

    /**
     * Where the path starts after {@code FROM:} / {@code TO:}, or -1. Tolerates one space after the colon,
     * which many clients send although RFC 5321 §4.1.2 has none.
     */
    private static int afterKeyword(String args, String keyword) {
        if (!args.regionMatches(true, 0, keyword, 0, keyword.length())) return -1;
        int at = keyword.length();
        return args.startsWith(" <", at) ? at + 1 : at;
    }

    private static Command noArguments(String args, Command command) {
        return args.isEmpty() ? command : invalid(Replies.BAD_ARGUMENTS);
    }

    private static Command invalid(Reply reply) {
        return new Command.Invalid(reply);
    }

    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') end--;
        return line.substring(0, end);
    }
}
