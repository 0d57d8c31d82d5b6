package dev.tern.delivery.sts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MxPatternTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # RFC 8461 §4.1: exact names, case and a trailing dot do not matter
            mail.example.com      | mail.example.com       | true
            mail.example.com      | MAIL.Example.COM.      | true
            mail.example.com      | mail2.example.com      | false
            mail.example.com      | example.com            | false
            # a wildcard is exactly one leftmost label
            *.example.com         | mx1.example.com        | true
            *.example.com         | MX1.EXAMPLE.COM.       | true
            *.example.com         | example.com            | false
            *.example.com         | a.b.example.com        | false
            *.example.com         | mx1.example.com.evil   | false
            *.example.com         | mx1example.com         | false
            *.mail.example.com    | x.mail.example.com     | true
            """)
    void matchesHosts(String pattern, String host, boolean matches) {
        assertThat(MxPattern.parse(pattern).orElseThrow().matches(host)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mail.example.com      | true
            Mail.Example.Com.     | true
            *.example.com         | true
            # no wildcard elsewhere, none over a TLD, no empty labels
            mail.*.example.com    | false
            *mail.example.com     | false
            *.com                 | false
            *                     | false
            mail..example.com     | false
            -mail.example.com     | false
            mail_1.example.com    | false
            """)
    void parsesPatterns(String pattern, boolean valid) {
        assertThat(MxPattern.parse(pattern)).as(pattern).matches(p -> p.isPresent() == valid);
    }
}
