package dev.tern.smtp.client;

import dev.tern.mail.MailOptions;
import dev.tern.mail.Notify;
import dev.tern.mail.Recipient;
import dev.tern.smtp.Command;
import dev.tern.smtp.Xtext;
import java.util.StringJoiner;

/**
 * Writes a {@link Command} as the line a client sends, without its CRLF: the inverse of
 * {@link dev.tern.smtp.CommandParser}, so that {@code parse(render(c)).equals(c)}. Parameters come in a fixed
 * order; which ones to give at all (only what the server offered) is the caller's choice, made in the
 * {@link MailOptions} and {@link Recipient} it renders.
 */
public final class CommandRenderer {
    private CommandRenderer() {}

    /**
     * The command line.
     *
     * @throws IllegalArgumentException for a {@link Command.Invalid}, which is not a command, or an ENVID or
     *                                  ORCPT that xtext cannot carry (only printable ASCII, RFC 3461 §4)
     */
    public static String render(Command command) {
        return switch (command) {
            case Command.Helo(var client) -> "HELO " + client.name();
            case Command.Ehlo(var client) -> "EHLO " + client.name();
            case Command.MailFrom(var from, var options) -> "MAIL FROM:" + from + mailParameters(options);
            case Command.RcptTo(var to) -> "RCPT TO:<" + to.mailbox() + ">" + rcptParameters(to);
            case Command.Data() -> "DATA";
            case Command.Bdat(long size, boolean last) -> "BDAT " + size + (last ? " LAST" : "");
            case Command.Rset() -> "RSET";
            case Command.Noop() -> "NOOP";
            case Command.Quit() -> "QUIT";
            case Command.Vrfy(var argument) -> "VRFY " + argument;
            case Command.Expn(var argument) -> "EXPN " + argument;
            case Command.Help(var topic) -> topic.isEmpty() ? "HELP" : "HELP " + topic;
            case Command.StartTls() -> "STARTTLS";
            case Command.Auth(var rest) -> "AUTH " + rest;
            case Command.Invalid _ -> throw new IllegalArgumentException("an invalid command has no wire form");
        };
    }

    /** RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8, RFC 8689 REQUIRETLS, RFC 3461 §4.3 RET and §4.4 ENVID. */
    private static String mailParameters(MailOptions options) {
        StringBuilder sb = new StringBuilder();
        if (options.declaredSize() > 0) sb.append(" SIZE=").append(options.declaredSize());
        switch (options.body()) {
            case UNSPECIFIED -> { }
            case SEVEN_BIT -> sb.append(" BODY=7BIT");
            case EIGHT_BIT_MIME -> sb.append(" BODY=8BITMIME");
        }
        if (options.smtpUtf8()) sb.append(" SMTPUTF8");
        if (options.requireTls()) sb.append(" REQUIRETLS");
        switch (options.ret()) {
            case UNSPECIFIED -> { }
            case FULL -> sb.append(" RET=FULL");
            case HDRS -> sb.append(" RET=HDRS");
        }
        if (!options.envId().isEmpty()) sb.append(" ENVID=").append(Xtext.encode(options.envId()));
        return sb.toString();
    }

    /** RFC 3461 §4.1 NOTIFY and §4.2 ORCPT ({@code addr-type ";" xtext}). */
    private static String rcptParameters(Recipient to) {
        StringBuilder sb = new StringBuilder();
        if (!to.notifyOn().isEmpty()) {
            StringJoiner keywords = new StringJoiner(",", " NOTIFY=", "");
            for (Notify notify : Notify.values()) {
                if (to.notifyOn().contains(notify)) keywords.add(notify.name());
            }
            sb.append(keywords);
        }
        if (!to.orcpt().isEmpty()) {
            int semicolon = to.orcpt().indexOf(';');
            if (semicolon <= 0) throw new IllegalArgumentException("ORCPT is addr-type;address");
            sb.append(" ORCPT=").append(to.orcpt(), 0, semicolon + 1).append(Xtext.encode(to.orcpt().substring(semicolon + 1)));
        }
        return sb.toString();
    }
}
