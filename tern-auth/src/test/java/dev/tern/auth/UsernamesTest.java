package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsernamesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
        # canonical: local part lower-cased, domain in lower-case A-labels
        alice@example.com            | alice@example.com
        Alice@Example.COM            | alice@example.com
        bob.smith+tag@example.com    | bob.smith+tag@example.com
        jörg@bücher.example          | jörg@xn--bcher-kva.example
        a@b@example.com              | -
        # not addresses, or not usable as a login
        alice                        | -
        alice@                       | -
        @example.com                 | -
        .alice@example.com           | -
        al..ice@example.com          | -
        '"al ice"@example.com'       | -
        'al ice@example.com'         | -
        alice@[192.0.2.1]            | -
        alice@-bad-.example          | -
        alice@example.com.           | alice@example.com
        """)
    void canonicalizes(String username, String canonical) {
        assertThat(Usernames.canonical(username)).isEqualTo(Optional.ofNullable(canonical));
    }
}
