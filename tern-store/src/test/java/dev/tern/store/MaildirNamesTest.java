package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaildirNamesTest {
    // A local part may be any RFC 5321 quoted string (§4.1.2); as a file name it must stay one plain name.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # kept as is
            alice                 | alice
            first.last            | first.last
            bob+tag               | bob+tag
            a_b-c                 | a_b-c
            0123                  | 0123
            # leading dot or dash, dot names, separators
            .                     | %2E
            ..                    | %2E.
            .hidden               | %2Ehidden
            -rf                   | %2Drf
            ../../etc/passwd      | %2E.%2F..%2Fetc%2Fpasswd
            a/b                   | a%2Fb
            a\\b                  | a%5Cb
            # the escape character itself, and upper case (so case-insensitive file systems stay distinct)
            %41                   | %2541
            Bob                   | %42ob
            # shell and quoting characters are plain data
            'a b'                 | a%20b
            a;b                   | a%3Bb
            '$(x)'                | %24%28x%29
            `id`                  | %60id%60
            'a|b'                 | a%7Cb
            '"q"'                 | %22q%22
            *                     | %2A
            # non-ASCII as UTF-8 bytes
            jörg                  | j%C3%B6rg
            用户                   | %E7%94%A8%E6%88%B7
            # domains: A-labels kept, address literals escaped
            xn--bcher-kva.example | xn--bcher-kva.example
            [192.0.2.1]           | %5B192.0.2.1%5D
            [IPv6:2001:db8::1]    | %5B%49%50v6%3A2001%3Adb8%3A%3A1%5D
            """)
    void encodesToOnePlainName(String name, String encoded) {
        assertThat(MaildirNames.encode(name)).isEqualTo(encoded);
        assertThat(MaildirNames.decode(encoded)).isEqualTo(name);
        assertThat(encoded).doesNotContain("/").isNotIn(".", "..").doesNotStartWith(".").doesNotStartWith("-");
    }

    @Test
    void hostileLocalPartsStayInsideRootAndApart() {
        Path root = Path.of("/srv/tern/mail");
        List<String> nasty = List.of("..", ".", "../..", "../x", "a/../../b", "/etc/passwd", "a b", "A B",
                "a%20b", "a;rm -rf /", "$(reboot)", "`id`", "a|b", "%2E%2E", "%2e%2e", "\\..\\..", "~root",
                "*", "?", ".git", "-n", "jörg", "JÖRG", "x".repeat(64), "é".repeat(32), "CON", "nul");
        Set<Path> seen = new HashSet<>();
        for (String localPart : nasty) {
            Path directory = MaildirNames.directory(root, new Mailbox(localPart, Domain.parse("example.com")));
            assertThat(directory.normalize().startsWith(root)).as(localPart).isTrue();
            assertThat(directory.normalize().getParent().getParent()).as(localPart).isEqualTo(root);
            assertThat(directory.getFileName().toString().length()).as(localPart).isLessThanOrEqualTo(255);
            assertThat(seen.add(directory)).as(localPart + " has a directory of its own").isTrue();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            %2e
            %4
            %
            A
            .x
            -x
            %2F%
            %C3
            ''
            é
            """)
    void decodeRefusesWhatEncodeNeverWrites(String encoded) {
        assertThatThrownBy(() -> MaildirNames.decode(encoded)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeRefusesLoneSurrogates() {
        assertThatThrownBy(() -> MaildirNames.encode("a\uD800")).isInstanceOf(IllegalArgumentException.class);
    }

    // maildir.txt: "time.unique.host", and cur/ names add ":2,flags"; Dovecot may add ",S=size" before it.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1700000000.Q1a2b3c.mx.example          | Q1a2b3c
            1700000000.Q1a2b3c.mx.example:2,S      | Q1a2b3c
            1700000000.Q1a2b3c.mx.example,S=42:2,RS | Q1a2b3c
            1700000000.M1P2.host                   | M1P2
            1700000000.M1_P2.host                  | -
            1700000000                             | -
            1700000000.nohost                      | -
            """)
    void findsTheDeliveryIdInAFileName(String fileName, String deliveryId) {
        assertThat(MaildirNames.deliveryId(fileName).orElse("-")).isEqualTo(deliveryId);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            1700000000.Q1.mx.test,W=1234                | 1234
            1700000000.Q1.mx.test,W=1234:2,S            | 1234
            1700000000.Q1.mx.test,S=1200,W=1234:2,      | 1234
            1700000000.Q1.mx.test,W=0                   | 0
            1700000000.Q1.mx.test                       | none
            1700000000.Q1.mx.test,W=                    | none
            1700000000.Q1.mx.test,W=12x4                | none
            1700000000.Q1.mx.test,W=9999999999999999999 | none
            1700000000.Q1.mx.test:2,W=12                | none
            """)
    void readsTheCrlfSizeField(String fileName, Long size) {
        assertThat(MaildirNames.crlfSize(fileName).isPresent() ? MaildirNames.crlfSize(fileName).getAsLong() : null)
                .isEqualTo(size);
    }
}
