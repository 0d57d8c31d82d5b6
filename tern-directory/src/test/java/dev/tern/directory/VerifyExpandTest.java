package dev.tern.directory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerifyExpandTest {
    private final Directory strict = new Directory(Fixtures.strict());
    private final Directory open = new Directory(Fixtures.open());

    // RFC 5321 §3.5.1: the argument is a mailbox or a user name; §3.5.3 and §4.2 give the replies.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # full addresses, with or without angle brackets
            <alice@example.com>         | Verified alice@example.com
            alice@example.com           | Verified alice@example.com
            ' <ALICE@Example.com> '     | Verified alice@example.com
            bob+tag@example.com         | Verified bob@example.com
            "info+sales"@example.com    | Verified info+sales@example.com
            <jörg@bücher.example>       | Verified jörg@xn--bcher-kva.example
            sales@example.com           | Verified sales@example.com
            team@example.com            | Verified team@example.com
            postmaster@other.example    | Verified postmaster@example.com
            # 251: an alias for exactly one remote mailbox
            fwd@example.com             | Forwarded Friend@remote.example
            # 550 and 551/252
            nobody@example.com          | NotFound
            loop-a@example.com          | NotFound
            alice@remote.example        | NotLocal alice@remote.example
            # bare names: tried at every local domain; several matches are ambiguous (553)
            bob                         | Verified bob@example.com
            BOB                         | Verified bob@example.com
            carol                       | Verified carol@other.example
            hans                        | Verified hans@xn--bcher-kva.example
            alice                       | Ambiguous alice@example.com,alice@other.example
            postmaster                  | Verified postmaster@example.com
            nobody                      | NotFound
            '"John Smith"'              | NotFound
            <bob>                       | Verified bob@example.com
            # hostile text is a name that matches nobody, or a syntax error
            ../../etc/passwd            | NotFound
            '`id`;$(x)|y'               | NotFound
            '"a b"@example.com'         | NotFound
            # 501
            ''                          | Invalid
            <>                          | Invalid
            <alice@example.com          | Invalid
            alice@                      | Invalid
            @example.com                | Invalid
            alice@bad..example          | Invalid
            '"unclosed@example.com'     | Invalid
            '"a"b@example.com'          | Invalid
            """)
    void verifies(String argument, String expected) {
        assertThat(describe(strict.verify(argument))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            anyone                | Ambiguous anyone@example.com,anyone@localhost
            anyone@localhost      | Verified anyone@localhost
            sales@example.com     | Verified sales@example.com
            sales                 | Ambiguous sales@example.com,sales@localhost
            """)
    void verifiesWhenOpen(String argument, String expected) {
        assertThat(describe(open.verify(argument))).isEqualTo(expected);
    }

    // RFC 5321 §3.5.2: EXPN lists a mailing list's members; anything else is not a list.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            team@example.com       | Members team@example.com: alice@example.com,bob@example.com,carol@other.example,ext@remote.example
            <TEAM@example.com>     | Members team@example.com: alice@example.com,bob@example.com,carol@other.example,ext@remote.example
            team                   | Members team@example.com: alice@example.com,bob@example.com,carol@other.example,ext@remote.example
            all@other.example      | Members all@other.example: alice@example.com,bob@example.com,carol@other.example,ext@remote.example
            empty@other.example    | Members empty@other.example:
            sales@example.com      | NotAList sales@example.com
            alice@example.com      | NotAList alice@example.com
            postmaster@example.com | NotAList postmaster@example.com
            alice                  | Ambiguous alice@example.com,alice@other.example
            nobody@example.com     | NotFound
            team@remote.example    | NotLocal team@remote.example
            <team@                 | Invalid
            """)
    void expands(String argument, String expected) {
        assertThat(describe(strict.expand(argument))).isEqualTo(expected);
    }

    private static String describe(Verification verification) {
        return switch (verification) {
            case Verification.Verified(var mailbox) -> "Verified " + mailbox;
            case Verification.Forwarded(var to) -> "Forwarded " + to;
            case Verification.Ambiguous(var candidates) -> "Ambiguous " + Fixtures.join(candidates);
            case Verification.NotFound() -> "NotFound";
            case Verification.NotLocal(var address) -> "NotLocal " + address;
            case Verification.Invalid() -> "Invalid";
        };
    }

    private static String describe(Expansion expansion) {
        return switch (expansion) {
            case Expansion.Members(var list, var members) -> ("Members " + list + ": " + Fixtures.join(members))
                    .strip();
            case Expansion.NotAList(var address) -> "NotAList " + address;
            case Expansion.Ambiguous(var candidates) -> "Ambiguous " + Fixtures.join(candidates);
            case Expansion.NotFound() -> "NotFound";
            case Expansion.NotLocal(var address) -> "NotLocal " + address;
            case Expansion.Invalid() -> "Invalid";
        };
    }
}
