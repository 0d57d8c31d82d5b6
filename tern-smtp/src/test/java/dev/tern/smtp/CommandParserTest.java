package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Domain;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One row per case: the command line, then what the parser made of it. In lines, {CR} {LF} {NUL} {TAB} {DEL}
 * {NEL} {RLO} {FFFD} {ZWJ} {SP} stand for those characters and {64a} for 64 times "a"; the expected column
 * uses the same notation. Quoting is off (quote character ¤), so '"' and "'" are themselves.
 */
class CommandParserTest {
    static final CommandParser PARSER = new CommandParser(Domain.parse("mx.local.test"));

    @ParameterizedTest(name = "{0}  =>  {1}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '¤', textBlock = """
        # RFC 5321 §4.1.1.2, §4.1.2: reverse-paths. Verbs case-insensitive (§2.4); local part keeps its case.
        MAIL FROM:<a@b.example>                         => MailFrom[<a@b.example>]
        mail from:<a@b.example>                         => MailFrom[<a@b.example>]
        MAIL FROM:<First.Last@Sub.B.Example>            => MailFrom[<First.Last@sub.b.example>]
        MAIL FROM:<>                                    => MailFrom[<>]
        MAIL FROM:<!#$%&'*+-/=?^_`{|}~@b.example>       => MailFrom[<!#$%&'*+-/=?^_`{|}~@b.example>]
        # Tolerated: one space after the colon, which many clients send; not two.
        MAIL FROM: <a@b.example>                        => MailFrom[<a@b.example>]
        MAIL FROM:{SP}{SP}<a@b.example>                 => Invalid[501 5.1.7]
        # RFC 3463 §3.2: X.1.7 for a bad sender address.
        MAIL FROM:a@b.example                           => Invalid[501 5.1.7]
        MAIL FROM:<a@b.example                          => Invalid[501 5.1.7]
        MAIL FROM:<a@b.example>x                        => Invalid[501 5.1.7]
        MAIL FROM:<a>                                   => Invalid[501 5.1.7]
        MAIL FROM:<postmaster>                          => Invalid[501 5.1.7]
        MAIL FROM:<a..b@c.example>                      => Invalid[501 5.1.7]
        MAIL FROM:<.a@c.example>                        => Invalid[501 5.1.7]
        MAIL FROM:<a.@c.example>                        => Invalid[501 5.1.7]
        MAIL FROM:<a@b..example>                        => Invalid[501 5.1.7]
        MAIL FROM:<a@b.example.>                        => Invalid[501 5.1.7]
        MAIL FROM:<a@-b.example>                        => Invalid[501 5.1.7]
        MAIL FROM:<a@b_c.example>                       => Invalid[501 5.1.7]
        MAIL FROM:<a b@c.example>                       => Invalid[501 5.1.7]
        MAIL FROM:<a@b@c.example>                       => Invalid[501 5.1.7]
        MAIL FROM:<<a@b.example>>                       => Invalid[501 5.1.7]
        MAIL TO:<a@b.example>                           => Invalid[501 5.5.4]
        MAIL FROM                                       => Invalid[501 5.5.4]
        MAIL                                            => Invalid[501 5.5.4]

        # RFC 5321 §4.1.2: Quoted-string local parts, quoted-pairs; held unquoted, written back minimally.
        RCPT TO:<"john doe"@local.test>                 => RcptTo[<"john doe"@local.test>]
        RCPT TO:<"a\\"b"@local.test>                    => RcptTo[<"a\\"b"@local.test>]
        RCPT TO:<"a\\\\b"@local.test>                   => RcptTo[<"a\\\\b"@local.test>]
        RCPT TO:<"a\\bc"@local.test>                    => RcptTo[<abc@local.test>]
        RCPT TO:<"abc"@local.test>                      => RcptTo[<abc@local.test>]
        RCPT TO:<"a>b@c"@local.test>                    => RcptTo[<"a>b@c"@local.test>]
        RCPT TO:<""@local.test>                         => Invalid[501 5.1.3]
        RCPT TO:<"open@local.test>                      => Invalid[501 5.1.3]
        RCPT TO:<"a"b@local.test>                       => Invalid[501 5.1.3]

        # RFC 5321 §4.1.1.3 and Appendix C: source routes are accepted and ignored.
        RCPT TO:<@a.example,@b.example:user@c.example>  => RcptTo[<user@c.example>]
        MAIL FROM:<@a.example:user@c.example>           => MailFrom[<user@c.example>]
        RCPT TO:<@a.example,b.example:user@c.example>   => Invalid[501 5.1.3]
        RCPT TO:<@a.example user@c.example>             => Invalid[501 5.1.3]
        RCPT TO:<@:user@c.example>                      => Invalid[501 5.1.3]
        MAIL FROM:<@b.example>                          => Invalid[501 5.1.7]

        # RFC 5321 §4.1.3: address literals, IPv4 and IPv6 (tag case-insensitive); general literals unsupported.
        RCPT TO:<a@[192.0.2.1]>                         => RcptTo[<a@[192.0.2.1]>]
        RCPT TO:<a@[IPv6:2001:db8::1]>                  => RcptTo[<a@[IPv6:2001:db8::1]>]
        RCPT TO:<a@[ipv6:2001:DB8::1]>                  => RcptTo[<a@[IPv6:2001:db8::1]>]
        RCPT TO:<a@[256.0.0.1]>                         => Invalid[501 5.1.3]
        RCPT TO:<a@[192.0.2.1>                          => Invalid[501 5.1.3]
        RCPT TO:<a@[x-tag:foo]>                         => Invalid[501 5.1.3]

        # RFC 6531 §3.3, RFC 5890: IDNA domains become A-labels; an A-label is ASCII and needs no SMTPUTF8.
        MAIL FROM:<a@bücher.example> SMTPUTF8           => MailFrom[<a@xn--bcher-kva.example> SMTPUTF8]
        MAIL FROM:<a@xn--bcher-kva.example>             => MailFrom[<a@xn--bcher-kva.example>]
        MAIL FROM:<用户@例子.广告> SMTPUTF8              => MailFrom[<用户@xn--fsqu00a.xn--4rr70v> SMTPUTF8]
        MAIL FROM:<a@xn--.example>                      => Invalid[501 5.1.7]
        # RFC 6531 §3.4: UTF-8 in an address without SMTPUTF8 is 553 5.6.7.
        MAIL FROM:<a@bücher.example>                    => Invalid[553 5.6.7]
        MAIL FROM:<jörg@b.example>                      => Invalid[553 5.6.7]
        MAIL FROM:<jörg@b.example> SMTPUTF8             => MailFrom[<jörg@b.example> SMTPUTF8]
        MAIL FROM:<"jö rg"@b.example> SMTPUTF8          => MailFrom[<"jö rg"@b.example> SMTPUTF8]
        RCPT TO:<jörg@local.test>                       => Invalid[553 5.6.7]
        # Never UTF-8 controls, bidi overrides or undecodable input, with or without SMTPUTF8.
        MAIL FROM:<a{RLO}b@b.example> SMTPUTF8          => Invalid[500 5.5.2]
        MAIL FROM:<a{NEL}b@b.example> SMTPUTF8          => Invalid[500 5.5.2]
        MAIL FROM:<a{FFFD}@b.example> SMTPUTF8          => Invalid[500 5.5.2]
        MAIL FROM:<"a{ZWJ}b"@b.example> SMTPUTF8        => MailFrom[<a{ZWJ}b@b.example> SMTPUTF8]

        # RFC 5321 §4.5.3.1.1: local part 64 octets (553); §4.5.3.1.2: domain 255 (553). §4.5.3.1.3's path of
        # 256 is a minimum too (§4.5.3.1): a 64-octet local part at a 255-octet domain is accepted; a path over
        # Tern's bound of 1,024 octets (here a long source route) is 501.
        RCPT TO:<{64a}@local.test>                      => RcptTo[<{64a}@local.test>]
        RCPT TO:<{65a}@local.test>                      => Invalid[553 5.1.3]
        RCPT TO:<"{63a}"@local.test>                    => Invalid[553 5.1.3]
        MAIL FROM:<{65a}@local.test>                    => Invalid[553 5.1.7]
        RCPT TO:<a@{63b}.{63c}.{63d}.{64e}>             => Invalid[553 5.1.3]
        RCPT TO:<{64a}@{63b}.{63c}.{61d}>               => RcptTo[<{64a}@{63b}.{63c}.{61d}>]
        RCPT TO:<{64a}@{63b}.{63c}.{62d}>               => RcptTo[<{64a}@{63b}.{63c}.{62d}>]
        MAIL FROM:<{64a}@{63b}.{63c}.{63d}.{63e}>       => MailFrom[<{64a}@{63b}.{63c}.{63d}.{63e}>]
        RCPT TO:<{64a}@{63b}.{63c}.{63d}.{63e}>         => RcptTo[<{64a}@{63b}.{63c}.{63d}.{63e}>]
        MAIL FROM:<a@{63b}.{63c}.{63d}.{64e}>           => Invalid[553 5.1.7]
        RCPT TO:<@{63b}.{63c}.{63d}.{63e},@{63b}.{63c}.{63d}.{63e},@{63b}.{63c}.{63d}.{63e},@{63b}.{63c}.{63d}.{63e}:a@local.test> => Invalid[501 5.1.3]
        MAIL FROM:<@{63b}.{63c}.{63d}.{63e},@{63b}.{63c}.{63d}.{63e},@{63b}.{63c}.{63d}.{63e},@{63b}.{63c}.{63d}.{63e}:a@b.example> => Invalid[501 5.1.7]
        RCPT TO:<a@{64b}.example>                       => Invalid[501 5.1.3]

        # RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8, RFC 3461 §4.3 RET and §4.4 ENVID (xtext).
        MAIL FROM:<a@b.example> SIZE=1000               => MailFrom[<a@b.example> SIZE=1000]
        MAIL FROM:<a@b.example> size=1000 body=8bitmime => MailFrom[<a@b.example> SIZE=1000 BODY=EIGHT_BIT_MIME]
        MAIL FROM:<a@b.example> BODY=7BIT               => MailFrom[<a@b.example> BODY=SEVEN_BIT]
        MAIL FROM:<> RET=HDRS ENVID=QQ314159            => MailFrom[<> RET=HDRS ENVID=QQ314159]
        MAIL FROM:<a@b.example> RET=full                => MailFrom[<a@b.example> RET=FULL]
        MAIL FROM:<a@b.example> ENVID=a+2Bb+3Dc+20d     => MailFrom[<a@b.example> ENVID=a+b=c d]
        MAIL FROM:<a@b.example> SIZE=99999999999999999999 => MailFrom[<a@b.example> SIZE=9223372036854775807]
        MAIL FROM:<a@b.example> SIZE=1{SP}{SP}RET=FULL  => MailFrom[<a@b.example> SIZE=1 RET=FULL]
        # Malformed values: 501 5.5.4.
        MAIL FROM:<a@b.example> SIZE=123456789012345678901 => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SIZE=-1                 => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SIZE=                   => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SIZE                    => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SIZE=1=2                => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> BODY=9BIT               => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SMTPUTF8=yes            => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> RET=ALL                 => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> ENVID=a+2b              => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> ENVID=a+0D+0AX          => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> ENVID=a+                => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> ENVID={101x}            => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> -X=1                    => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SIZE=ü                  => Invalid[501 5.5.4]
        # Duplicates, in any case: 501 5.5.4.
        MAIL FROM:<a@b.example> SIZE=1 SIZE=2           => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SIZE=1 size=1           => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> SMTPUTF8 SMTPUTF8       => Invalid[501 5.5.4]
        # RFC 5321 §4.1.1.11: unknown or unsupported parameters are 555 5.5.4.
        MAIL FROM:<a@b.example> X-FOO=1                 => Invalid[555 5.5.4]
        # RFC 4954 §5: AUTH=<> or AUTH=xtext is accepted when AUTH is offered, then discarded (never trusted).
        MAIL FROM:<a@b.example> AUTH=<>                 => MailFrom[<a@b.example>]
        MAIL FROM:<a@b.example> AUTH=alice+40b.example  => MailFrom[<a@b.example>]
        MAIL FROM:<a@b.example> AUTH=a+ZZ               => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> AUTH                    => Invalid[501 5.5.4]
        MAIL FROM:<a@b.example> BODY=BINARYMIME         => Invalid[555 5.5.4]
        MAIL FROM:<a@b.example> NOTIFY=NEVER            => Invalid[555 5.5.4]

        # RFC 3461 §4.1 NOTIFY and §4.2 ORCPT (addr-type ";" xtext, decoded, printable ASCII only).
        RCPT TO:<a@local.test> NOTIFY=NEVER             => RcptTo[<a@local.test> NOTIFY=NEVER]
        RCPT TO:<a@local.test> NOTIFY=SUCCESS,FAILURE,DELAY => RcptTo[<a@local.test> NOTIFY=SUCCESS,FAILURE,DELAY]
        RCPT TO:<a@local.test> notify=delay,success     => RcptTo[<a@local.test> NOTIFY=SUCCESS,DELAY]
        RCPT TO:<a@local.test> ORCPT=rfc822;a+40b.example => RcptTo[<a@local.test> ORCPT=rfc822;a@b.example]
        RCPT TO:<a@local.test> ORCPT=rfc822;a@b.example NOTIFY=FAILURE => RcptTo[<a@local.test> NOTIFY=FAILURE ORCPT=rfc822;a@b.example]
        RCPT TO:<a@local.test> NOTIFY=NEVER,SUCCESS     => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> NOTIFY=SUCCESS,SUCCESS   => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> NOTIFY=                  => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> NOTIFY=SUCCESS,          => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> NOTIFY=SOMETIMES         => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> ORCPT=rfc822             => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> ORCPT=;a@b.example       => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> ORCPT=rfc822;            => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> ORCPT=rfc822;a+0D+0AX-Injected:+201 => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> ORCPT=rfc822;{501x}      => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> NOTIFY=NEVER NOTIFY=NEVER => Invalid[501 5.5.4]
        RCPT TO:<a@local.test> SIZE=10                  => Invalid[555 5.5.4]
        RCPT TO:<a@local.test> RET=FULL                 => Invalid[555 5.5.4]

        # RFC 5321 §4.1.1.3: forward-paths, and <postmaster> without a domain (any case) is the server's.
        RCPT TO:<a@local.test>                          => RcptTo[<a@local.test>]
        rcpt to: <a@local.test>                         => RcptTo[<a@local.test>]
        RCPT TO:<postmaster>                            => RcptTo[<postmaster@mx.local.test>]
        RCPT TO:<PostMaster>                            => RcptTo[<postmaster@mx.local.test>]
        RCPT TO:<Postmaster@local.test>                 => RcptTo[<Postmaster@local.test>]
        RCPT TO:<"postmaster">                          => Invalid[501 5.1.3]
        RCPT TO:<admin>                                 => Invalid[501 5.1.3]
        RCPT TO:<>                                      => Invalid[501 5.1.3]
        RCPT TO:<a@local.test>x                         => Invalid[501 5.1.3]
        RCPT FROM:<a@local.test>                        => Invalid[501 5.5.4]

        # Injection: controls never pass (RFC 5321 §2.3.8); shell and path metacharacters are either atext
        # (RFC 5322 §3.2.3, legal and inert as data) or a syntax error.
        RCPT TO:<a@local.test>{CR}{LF}RSET              => Invalid[500 5.5.2]
        RCPT TO:<a{CR}{LF}@local.test>                  => Invalid[500 5.5.2]
        RCPT TO:<a{LF}@local.test>                      => Invalid[500 5.5.2]
        RCPT TO:<a{NUL}@local.test>                     => Invalid[500 5.5.2]
        RCPT TO:<"a{NUL}"@local.test>                   => Invalid[500 5.5.2]
        RCPT TO:<"a\\{TAB}"@local.test>                 => Invalid[500 5.5.2]
        RCPT TO:<a{DEL}@local.test>                     => Invalid[500 5.5.2]
        RCPT TO:<a@local.test{LF}>                      => Invalid[500 5.5.2]
        RCPT TO:<a;ls@local.test>                       => Invalid[501 5.1.3]
        RCPT TO:<a@local.test;ls>                       => Invalid[501 5.1.3]
        RCPT TO:<a@local.test> ;ls                      => Invalid[501 5.5.4]
        RCPT TO:<a|cat@local.test>                      => RcptTo[<a|cat@local.test>]
        RCPT TO:<`id`@local.test>                       => RcptTo[<`id`@local.test>]
        RCPT TO:<$(id)@local.test>                      => Invalid[501 5.1.3]
        RCPT TO:<"$(id)"@local.test>                    => RcptTo[<"$(id)"@local.test>]
        RCPT TO:<../../etc/passwd@local.test>           => Invalid[501 5.1.3]
        RCPT TO:<a/../b@local.test>                     => Invalid[501 5.1.3]
        RCPT TO:<a@../local.test>                       => Invalid[501 5.1.3]
        RCPT TO:<a@local.test/../x>                     => Invalid[501 5.1.3]
        MAIL FROM:<a@b.example> ENVID=$(id)             => MailFrom[<a@b.example> ENVID=$(id)]
        HELO a;b                                        => Invalid[501 5.5.4]
        EHLO ../etc                                     => Invalid[501 5.5.4]
        EHLO host{CR}{LF}MAIL FROM:<a@b.example>        => Invalid[500 5.5.2]

        # RFC 5321 §4.1.1.1: HELO/EHLO take a domain or address literal, validated and canonical.
        HELO c.example                                  => Helo[c.example]
        EHLO C.Example.                                 => Ehlo[c.example]
        EHLO bücher.example                             => Ehlo[xn--bcher-kva.example]
        EHLO [192.0.2.1]                                => Ehlo[[192.0.2.1]]
        EHLO [IPv6:::1]                                 => Ehlo[[IPv6:::1]]
        EHLO localhost                                  => Ehlo[localhost]
        EHLO                                            => Invalid[501 5.5.4]
        EHLO a b                                        => Invalid[501 5.5.4]
        EHLO under_score.example                        => Invalid[501 5.5.4]
        EHLO [192.0.2.300]                              => Invalid[501 5.5.4]

        # RFC 5321 §4.1.1.4-§4.1.1.10 and RFC 3030 §2: the other verbs and their arguments.
        DATA                                            => Data
        data                                            => Data
        DATA x                                          => Invalid[501 5.5.4]
        BDAT 100                                        => Bdat[100]
        bdat 0 last                                     => Bdat[0 LAST]
        BDAT                                            => Invalid[501 5.5.4]
        BDAT -1                                         => Invalid[501 5.5.4]
        BDAT 1 FIRST                                    => Invalid[501 5.5.4]
        BDAT 1 LAST x                                   => Invalid[501 5.5.4]
        BDAT 1234567890123456789                        => Invalid[501 5.5.4]
        RSET                                            => Rset
        RSET x                                          => Invalid[501 5.5.4]
        NOOP                                            => Noop
        NOOP anything                                   => Noop
        QUIT                                            => Quit
        QUIT{SP}{SP}                                    => Quit
        QUIT now                                        => Invalid[501 5.5.4]
        VRFY alice                                      => Vrfy[alice]
        VRFY                                            => Invalid[501 5.5.4]
        EXPN staff                                      => Expn[staff]
        EXPN                                            => Invalid[501 5.5.4]
        HELP                                            => Help[]
        HELP MAIL                                       => Help[MAIL]
        STARTTLS                                        => StartTls
        STARTTLS x                                      => Invalid[501 5.5.4]
        AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=                 => Auth[PLAIN dGVzdAB0ZXN0ADEyMzQ=]
        AUTH                                            => Invalid[501 5.5.4]
        # RFC 5321 §4.2.2 500: unknown verbs, empty lines, a leading space.
        FOO                                             => Invalid[500 5.5.2]
        MAILFROM:<a@b.example>                          => Invalid[500 5.5.2]
        {SP}MAIL FROM:<a@b.example>                     => Invalid[500 5.5.2]
        {SP}                                            => Invalid[500 5.5.2]
        """)
    void parsesCommandLines(String line, String expected) {
        assertThat(describe(PARSER.parse(expand(line)))).isEqualTo(expand(expected));
    }

    @ParameterizedTest(name = "{0} in SMTPUTF8 transaction {1} => {2}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '¤', textBlock = """
        # RFC 6531 §3.4: RCPT may carry UTF-8 only when the transaction's MAIL had SMTPUTF8.
        RCPT TO:<jörg@local.test>       => false => Invalid[553 5.6.7]
        RCPT TO:<jörg@local.test>       => true  => RcptTo[<jörg@local.test>]
        RCPT TO:<a@bücher.example>      => false => Invalid[553 5.6.7]
        RCPT TO:<a@bücher.example>      => true  => RcptTo[<a@xn--bcher-kva.example>]
        RCPT TO:<a@xn--bcher-kva.example> => false => RcptTo[<a@xn--bcher-kva.example>]
        # MAIL decides for itself, whatever the flag says.
        MAIL FROM:<jörg@b.example>      => true  => Invalid[553 5.6.7]
        """)
    void utf8RecipientsNeedAnSmtpUtf8Transaction(String line, boolean smtpUtf8, String expected) {
        assertThat(describe(PARSER.parse(line, smtpUtf8))).isEqualTo(expected);
    }

    static String describe(Command command) {
        return switch (command) {
            case Command.Helo(Domain client) -> "Helo[" + client + "]";
            case Command.Ehlo(Domain client) -> "Ehlo[" + client + "]";
            case Command.MailFrom(ReversePath from, MailOptions options) -> "MailFrom[" + from + options(options) + "]";
            case Command.RcptTo(Recipient to) -> "RcptTo[<" + to.mailbox() + ">" + dsn(to) + "]";
            case Command.Data() -> "Data";
            case Command.Bdat(long size, boolean last) -> "Bdat[" + size + (last ? " LAST" : "") + "]";
            case Command.Rset() -> "Rset";
            case Command.Noop() -> "Noop";
            case Command.Quit() -> "Quit";
            case Command.Vrfy(String argument) -> "Vrfy[" + argument + "]";
            case Command.Expn(String argument) -> "Expn[" + argument + "]";
            case Command.Help(String topic) -> "Help[" + topic + "]";
            case Command.StartTls() -> "StartTls";
            case Command.Auth(String rest) -> "Auth[" + rest + "]";
            case Command.Invalid(Reply reply) -> "Invalid[" + reply.code() + " " + reply.status() + "]";
        };
    }

    private static String options(MailOptions o) {
        StringBuilder sb = new StringBuilder();
        if (o.declaredSize() > 0) sb.append(" SIZE=").append(o.declaredSize());
        if (o.body() != MailOptions.Body.UNSPECIFIED) sb.append(" BODY=").append(o.body());
        if (o.smtpUtf8()) sb.append(" SMTPUTF8");
        if (o.ret() != MailOptions.Ret.UNSPECIFIED) sb.append(" RET=").append(o.ret());
        if (!o.envId().isEmpty()) sb.append(" ENVID=").append(o.envId());
        return sb.toString();
    }

    private static String dsn(Recipient to) {
        StringBuilder sb = new StringBuilder();
        if (!to.notifyOn().isEmpty()) {
            sb.append(" NOTIFY=").append(to.notifyOn().stream().sorted().map(Enum::name).collect(Collectors.joining(",")));
        }
        if (!to.orcpt().isEmpty()) sb.append(" ORCPT=").append(to.orcpt());
        return sb.toString();
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(CR|LF|NUL|TAB|DEL|NEL|RLO|FFFD|ZWJ|SP|(\\d+)([a-z]))}");

    static String expand(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = switch (m.group(1)) {
                case "CR" -> "\r";
                case "LF" -> "\n";
                case "NUL" -> "\0";
                case "TAB" -> "\t";
                case "DEL" -> "\u007f";
                case "NEL" -> "\u0085";
                case "RLO" -> "\u202e";
                case "FFFD" -> "\ufffd";
                case "ZWJ" -> "\u200d";
                case "SP" -> " ";
                default -> m.group(3).repeat(Integer.parseInt(m.group(2)));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }
}
