package dev.tern.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FromDomainTest {
    // RFC 7489 §3.1, §6.6.1 and RFC 5322 §3.4, §3.6.2: one From field, one mailbox.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        a@example.com                                  | Found[domain=example.com]
        Alice <alice@Example.COM>                      | Found[domain=example.com]
        "Doe, John" <john@mail.example.co.uk>          | Found[domain=mail.example.co.uk]
        =?UTF-8?B?w4RsaWNl?= <a@example.org>          | Found[domain=example.org]
        (comment) a@example.com (more)                 | Found[domain=example.com]
        Bücher <info@bücher.example>                   | Found[domain=xn--bcher-kva.example]
        a@example.com, b@example.org                   | SeveralMailboxes[count=2]
        undisclosed-recipients:;                       | GroupAddress[]
        friends: a@example.com;                        | GroupAddress[]
        not an address                                 | Unparsable
        a@                                             | Unparsable
        <a@example.com                                 | Unparsable
        a@[192.0.2.1]                                  | Unparsable
        a@exa_mple.com                                 | Unparsable
        ''                                             | Unparsable
        """)
    void findsTheFromDomain(String value, String expected) {
        String actual = FromDomain.parse(List.of(value)).toString();
        assertThat(actual.startsWith("Unparsable") ? "Unparsable" : actual).isEqualTo(expected);
    }

    @Test
    void foldedFieldIsUnfolded() {
        assertThat(FromDomain.parse(List.of("Alice\r\n <alice@example.com>")))
                .isEqualTo(new FromDomain.Found("example.com"));
    }

    @Test
    void noOrSeveralFromFieldsAreFailures() {
        assertThat(FromDomain.parse(List.of())).isEqualTo(new FromDomain.Missing());
        assertThat(FromDomain.parse(List.of("a@example.com", "b@example.com")))
                .isEqualTo(new FromDomain.SeveralFields(2));
    }

    @Test
    void hugeFieldIsNotParsed() {
        char[] big = new char[FromDomain.MAX_FIELD + 1];
        Arrays.fill(big, 'a');
        assertThat(FromDomain.parse(List.of(new String(big) + "@example.com"))).isInstanceOf(FromDomain.Unparsable.class);
    }
}
