package dev.tern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            # RFC 1939 §3: keywords are case-insensitive
            CAPA                 | Capa[]
            capa                 | Capa[]
            StLs                 | Stls[]
            STAT                 | Stat[]
            'STAT '              | Stat[]
            STAT 1               | Invalid[text=this command takes no arguments]
            NOOP                 | Noop[]
            RSET                 | Rset[]
            QUIT                 | Quit[]
            # RFC 1939 §7 USER and PASS; a password may hold spaces
            USER alice@local.test | User[alice@local.test]
            USER                 | Invalid[text=USER needs a name]
            'USER  '             | Invalid[text=USER needs a name]
            PASS secret          | Pass[<redacted>]
            PASS pass word       | Pass[<redacted>]
            PASS                 | Invalid[text=PASS needs a password]
            # RFC 5034 §4 AUTH
            AUTH                 | Auth[]
            AUTH PLAIN           | Auth[PLAIN]
            AUTH PLAIN AGFsaWNl  | Auth[PLAIN <redacted>]
            AUTH PLAIN a b       | Invalid[text=AUTH takes a mechanism and an optional initial response]
            # RFC 1939 §5 LIST, UIDL, RETR, DELE, TOP
            LIST                 | List[message=Optional.empty]
            LIST 2               | List[message=Optional[2]]
            'LIST  2'            | List[message=Optional[2]]
            LIST 0               | Invalid[text=no such message (numbers start at 1)]
            LIST -1              | Invalid[text=LIST takes at most one message number]
            LIST 1 2             | Invalid[text=LIST takes at most one message number]
            # RFC 1939 §3: a number of any length is a number; past an int it names no message (LIST, RETR) or
            # more lines than any body has (TOP), rather than being a syntax error.
            LIST 1234567890      | List[message=Optional[1234567890]]
            LIST 12345678901     | List[message=Optional[2147483647]]
            RETR 99999999999999  | Retr[message=2147483647]
            UIDL                 | Uidl[message=Optional.empty]
            UIDL 7               | Uidl[message=Optional[7]]
            UIDL x               | Invalid[text=UIDL takes at most one message number]
            RETR 1               | Retr[message=1]
            retr 007             | Retr[message=7]
            RETR                 | Invalid[text=RETR needs one message number]
            RETR 0               | Invalid[text=no such message (numbers start at 1)]
            RETR +1              | Invalid[text=RETR needs one message number]
            DELE 3               | Dele[message=3]
            DELE 1 2             | Invalid[text=DELE needs one message number]
            TOP 1 0              | Top[message=1, lines=0]
            TOP 2 10             | Top[message=2, lines=10]
            TOP 1                | Invalid[text=TOP needs a message number and a line count]
            TOP 0 5              | Invalid[text=no such message (numbers start at 1)]
            TOP 1 -5             | Invalid[text=TOP needs a message number and a line count]
            TOP 1 99999999999    | Top[message=1, lines=2147483647]
            TOP 1 4294967295     | Top[message=1, lines=2147483647]
            # Unknown, not offered (APOP needs a clear-text password on the server), and not commands
            APOP a b             | Unknown[keyword=APOP]
            LAST                 | Unknown[keyword=LAST]
            XYZZYQ               | Unknown[keyword=XYZZ]
            ''                   | Invalid[text=empty command line]
            ' STAT'              | Invalid[text=empty command line]
            """)
    void parsesCommands(String line, String expected) {
        assertThat(CommandParser.parse(line.getBytes(StandardCharsets.UTF_8))).hasToString(expected);
    }

    @Test
    void takesUtf8UserNames() {
        assertThat(CommandParser.parse("USER jörg@local.test".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Command.User("jörg@local.test"));
    }

    @Test
    void refusesMalformedUtf8AndControlCharacters() {
        assertThat(CommandParser.parse(new byte[] {'U', 'S', 'E', 'R', ' ', (byte) 0xC3}))
                .isEqualTo(new Command.Invalid("command line is not valid UTF-8"));
        assertThat(CommandParser.parse("USER a\0b".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Command.Invalid("control character in command line"));
        assertThat(CommandParser.parse("PASS a\tb".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Command.Invalid("control character in command line"));
    }

    @Test
    void commandLinesAreLimitedButAuthMayBeLonger() {
        // RFC 2449 §4: 255 octets; Tern takes up to 512 with the CRLF.
        String atLimit = "USER " + "a".repeat(CommandParser.MAX_COMMAND_LINE - 2 - 5);
        assertThat(CommandParser.parse(atLimit.getBytes(StandardCharsets.UTF_8))).isInstanceOf(Command.Invalid.class)
                .hasToString("Invalid[text=user name too long]");
        assertThat(CommandParser.parse(("NOOP" + " ".repeat(CommandParser.MAX_COMMAND_LINE - 6)).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Command.Noop());
        assertThat(CommandParser.parse(("NOOP" + " ".repeat(CommandParser.MAX_COMMAND_LINE - 5)).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Command.Invalid("command line too long (at most 512 octets)"));
        String longAuth = "AUTH PLAIN " + "QUFB".repeat(200);
        assertThat(CommandParser.parse(longAuth.getBytes(StandardCharsets.UTF_8))).isInstanceOf(Command.Auth.class);
    }
}
