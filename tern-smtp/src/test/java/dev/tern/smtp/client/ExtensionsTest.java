package dev.tern.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.smtp.Reply;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExtensionsTest {
    static Extensions offered(String... lines) {
        List<String> all = new java.util.ArrayList<>(List.of("mx.example greets you"));
        all.addAll(Arrays.asList(lines));
        return Extensions.parse(Reply.plain(250, all));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # EHLO line        | keyword asked        | offered
        PIPELINING         | PIPELINING           | true
        pipelining         | PIPELINING           | true
        PIPELINING         | pipelining           | true
        8BITMIME           | 8BITMIME             | true
        SMTPUTF8           | SMTPUTF8             | true
        CHUNKING           | CHUNKING             | true
        DSN                | DSN                  | true
        STARTTLS           | STARTTLS             | true
        ENHANCEDSTATUSCODES | ENHANCEDSTATUSCODES | true
        REQUIRETLS         | REQUIRETLS           | true
        'SIZE 1000'        | SIZE                 | true
        X-EXPS GSSAPI      | X-EXPS               | true
        # RFC 5321 §4.1.1.1: not a keyword, ignored.
        -BAD               | -BAD                 | false
        PIPELINING         | CHUNKING             | false
        """)
    void keywordsAreCaseInsensitive(String line, String keyword, boolean expected) {
        assertThat(offered(line).offers(keyword)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 1870 §4: SIZE n is the fixed maximum; no value or 0 means none; garbage is read as none.
        'SIZE 10240000' | 10240000
        SIZE            | 0
        'SIZE 0'        | 0
        'SIZE lots'     | 0
        'SIZE -5'       | 0
        PIPELINING      | 0
        """)
    void readsTheSizeLimit(String line, long expected) {
        assertThat(offered(line).sizeLimit()).isEqualTo(expected);
    }

    @Test
    void readsAuthMechanismsInBothForms() {
        Extensions x = offered("AUTH PLAIN login SCRAM-SHA-256", "AUTH=CRAM-MD5");
        assertThat(x.authMechanisms()).containsExactlyInAnyOrder("PLAIN", "LOGIN", "SCRAM-SHA-256", "CRAM-MD5");
        assertThat(x.auth("plain")).isTrue();
        assertThat(x.offers("AUTH")).isTrue();
    }

    @Test
    void theGreetingLineIsNotAKeyword() {
        Extensions x = Extensions.parse(Reply.plain(250, List.of("PIPELINING")));
        assertThat(x.pipelining()).isFalse();
        assertThat(x.keywords()).isEmpty();
    }

    @Test
    void namedAccessorsReadTheKeywords() {
        Extensions x = offered("SIZE 5", "PIPELINING", "8BITMIME", "SMTPUTF8", "CHUNKING", "DSN", "STARTTLS",
                "ENHANCEDSTATUSCODES", "REQUIRETLS");
        assertThat(List.of(x.size(), x.pipelining(), x.eightBitMime(), x.smtpUtf8(), x.chunking(), x.dsn(), x.startTls(),
                x.enhancedStatusCodes(), x.requireTls())).containsOnly(true);
        assertThat(x.maxSize()).hasValue(5);
        assertThat(Extensions.NONE.maxSize()).isEmpty();
        assertThat(Extensions.NONE.pipelining()).isFalse();
    }
}
