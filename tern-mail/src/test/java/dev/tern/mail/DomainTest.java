package dev.tern.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DomainTest {
    // RFC 5321 §4.1.2 Domain and §4.1.3 address literals; RFC 5890 A-labels; case-insensitive.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Example.COM          | example.com
            example.com.         | example.com
            bücher.example       | xn--bcher-kva.example
            xn--bcher-kva.example| xn--bcher-kva.example
            [192.0.2.1]          | [192.0.2.1]
            [IPv6:2001:DB8::1]   | [IPv6:2001:db8::1]
            [IPV6:::1]           | [IPv6:::1]
            [IPv6:::ffff:192.0.2.1] | [IPv6:::ffff:192.0.2.1]
            a-b.c0               | a-b.c0
            """)
    void parsesToCanonicalForm(String text, String canonical) {
        assertThat(Domain.parse(text).name()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a.example", "a-.example", "a..example", "a_b.example", "[192.0.2.256]",
            "[IPv6:::::]", "[IPv6:1.2.3.4.5]", "[IPv6:fe80::1%eth0]", "[1.2.3]", "[example.com]", "a b", "a;b", "$(x)"})
    void refusesWhatIsNotADomain(String text) {
        assertThatThrownBy(() -> Domain.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0085b", "a\u009bb", "a\u007fb", "a\rb", "a\nb", "a\u0000b"})
    void mailboxRefusesControlCharacters(String localPart) {
        assertThatThrownBy(() -> Mailbox.of(localPart, "example.com")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            john.doe   | john.doe@example.com
            john doe   | "john doe"@example.com
            a"b        | "a\\"b"@example.com
            """)
    void mailboxQuotesWhereTheGrammarNeedsIt(String localPart, String written) {
        assertThat(Mailbox.of(localPart, "example.com").toString()).isEqualTo(written);
    }
}
