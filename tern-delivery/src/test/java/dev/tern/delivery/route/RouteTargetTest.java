package dev.tern.delivery.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Next hops in Postfix's relayhost / transport(5) forms: brackets mean "no MX lookup". */
class RouteTargetTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # text                          | host                        | port | mxLookup
            # a name: MX lookup, optional port
            mail.example.net                | mail.example.net            | 0    | true
            Mail.Example.NET.               | mail.example.net            | 0    | true
            mail.example.net:587            | mail.example.net            | 587  | true
            # brackets: the host's own A/AAAA, no MX lookup
            [mail.example.net]              | mail.example.net            | 0    | false
            [mail.example.net]:2525         | mail.example.net            | 2525 | false
            # addresses, bracketed or bare IPv4
            [192.0.2.7]                     | [192.0.2.7]                 | 0    | false
            [192.0.2.7]:25                  | [192.0.2.7]                 | 25   | false
            192.0.2.7                       | [192.0.2.7]                 | 0    | false
            192.0.2.7:2525                  | [192.0.2.7]                 | 2525 | false
            [2001:db8::7]:25                | [IPv6:2001:db8::7]          | 25   | false
            [IPv6:2001:db8::7]              | [IPv6:2001:db8::7]          | 0    | false
            [ipv6:2001:DB8::7]:26           | [IPv6:2001:db8::7]          | 26   | false
            # internationalized names become A-labels
            bücher.example:25               | xn--bcher-kva.example       | 25   | true
            """)
    void parsesTargets(String text, String host, int port, boolean mxLookup) {
        RouteTarget target = RouteTarget.parse(text);
        assertThat(target.host().name()).isEqualTo(host);
        assertThat(target.port()).isEqualTo(port);
        assertThat(target.mxLookup()).isEqualTo(mxLookup);
        assertThat(target.portOr(25)).isEqualTo(port == 0 ? 25 : port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # empty and unbalanced
            ''
            '   '
            [mail.example.net
            []
            [mail.example.net]x
            :25
            # ports
            mail.example.net:
            mail.example.net:0
            mail.example.net:65536
            mail.example.net:25x
            [192.0.2.7]:-1
            # an IPv6 address needs brackets; bad addresses
            2001:db8::7
            [2001:db8::zz]
            [IPv6:192.0.2.7]
            999.0.2.7
            # not a host name
            mail_host.example
            -bad.example:25
            """)
    void rejectsBadTargets(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> RouteTarget.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mail.example.net
            mail.example.net:587
            [mail.example.net]:2525
            [192.0.2.7]:25
            [IPv6:2001:db8::7]
            """)
    void printsWhatItParses(String text) {
        assertThat(RouteTarget.parse(text).toString()).isEqualTo(text);
    }
}
