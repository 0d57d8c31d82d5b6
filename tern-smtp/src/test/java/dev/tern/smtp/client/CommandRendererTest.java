package dev.tern.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Domain;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.Command;
import dev.tern.smtp.CommandParser;
import dev.tern.smtp.Replies;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CommandRendererTest {
    static final CommandParser PARSER = new CommandParser(Domain.parse("mx.example"));

    static Mailbox box(String text) {
        int at = text.lastIndexOf('@');
        return Mailbox.of(text.substring(0, at), text.substring(at + 1));
    }

    static Stream<Command> commands() {
        return Stream.of(
                new Command.Helo(Domain.parse("client.example")),
                new Command.Ehlo(Domain.parse("client.example")),
                new Command.Ehlo(Domain.parse("[192.0.2.1]")),
                new Command.Ehlo(Domain.parse("[IPv6:2001:db8::1]")),
                new Command.MailFrom(ReversePath.NULL, MailOptions.NONE),
                new Command.MailFrom(ReversePath.of(box("a@b.example")), MailOptions.NONE),
                new Command.MailFrom(ReversePath.of(box("a@b.example")),
                        new MailOptions(12345, MailOptions.Body.EIGHT_BIT_MIME, false, MailOptions.Ret.HDRS, "id+1=x y")),
                new Command.MailFrom(ReversePath.of(box("a@b.example")),
                        new MailOptions(0, MailOptions.Body.SEVEN_BIT, false, MailOptions.Ret.FULL, "")),
                new Command.MailFrom(ReversePath.of(box("jörg@b.example")),
                        new MailOptions(1, MailOptions.Body.EIGHT_BIT_MIME, true, MailOptions.Ret.UNSPECIFIED, "")),
                new Command.MailFrom(ReversePath.of(box("john doe@b.example")), MailOptions.NONE),
                new Command.MailFrom(ReversePath.of(box("a\"b\\c@b.example")), MailOptions.NONE),
                new Command.RcptTo(Recipient.of(box("c@d.example"))),
                new Command.RcptTo(Recipient.of(box("postmaster@mx.example"))),
                new Command.RcptTo(new Recipient(box("c@d.example"), Set.of(Notify.NEVER), "")),
                new Command.RcptTo(new Recipient(box("c@d.example"), Set.of(Notify.DELAY, Notify.SUCCESS, Notify.FAILURE),
                        "rfc822;C+x=y@d.example")),
                new Command.RcptTo(new Recipient(box("c@d.example"), Set.of(), "rfc822;orig @d.example")),
                new Command.Data(),
                new Command.Bdat(0, true),
                new Command.Bdat(65536, false),
                new Command.Rset(),
                new Command.Noop(),
                new Command.Quit(),
                new Command.Vrfy("someone"),
                new Command.Expn("list"),
                new Command.Help(""),
                new Command.Help("MAIL"),
                new Command.StartTls(),
                new Command.Auth("PLAIN AGFiAGM="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void parsingTheRenderedLineGivesTheCommandBack(Command command) {
        String line = CommandRenderer.render(command);
        boolean utf8 = command instanceof Command.MailFrom(var from, var options) && options.smtpUtf8();
        assertThat(PARSER.parse(line, utf8)).isEqualTo(command);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
        # The wire forms, parameters in a fixed order (RFC 1870, RFC 6152, RFC 6531, RFC 3461 §4).
        1 | EHLO client.example
        5 | MAIL FROM:<a@b.example>
        4 | MAIL FROM:<>
        6 | MAIL FROM:<a@b.example> SIZE=12345 BODY=8BITMIME RET=HDRS ENVID=id+2B1+3Dx+20y
        14 | RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;C+2Bx+3Dy@d.example
        9 | MAIL FROM:<"john doe"@b.example>
        18 | BDAT 65536
        17 | BDAT 0 LAST
        """)
    void rendersTheWireForm(int index, String expected) {
        assertThat(CommandRenderer.render(commands().toList().get(index))).isEqualTo(expected);
    }

    @Test
    void anInvalidCommandHasNoWireForm() {
        assertThatThrownBy(() -> CommandRenderer.render(new Command.Invalid(Replies.UNKNOWN_COMMAND)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
