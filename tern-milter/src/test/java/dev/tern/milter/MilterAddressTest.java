package dev.tern.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Postfix's smtpd_milters address notation. */
class MilterAddressTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            inet:localhost:11332        | Inet[host=localhost, port=11332]
            inet:127.0.0.1:8891         | Inet[host=127.0.0.1, port=8891]
            inet:[::1]:8891             | Inet[host=::1, port=8891]
            inet6:[2001:db8::5]:65535   | Inet[host=2001:db8::5, port=65535]
            unix:/run/rspamd/milter.sock | Unix[path=/run/rspamd/milter.sock]
            """)
    void parses(String text, String expected) {
        assertThat(describe(MilterAddress.parse(text))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost:11332", "inet:localhost", "inet::11332", "inet:host:0", "inet:host:65536",
            "inet:host:port", "inet:::1:25", "inet6:::1:25", "inet6:[127.0.0.1]:25", "inet:[::1]25", "unix:relative/sock",
            "tcp:host:25", "inet:host:123456"})
    void refusesWithAClearMessage(String text) {
        assertThatThrownBy(() -> MilterAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("milter address");
    }

    private static String describe(MilterAddress address) {
        return switch (address) {
            case MilterAddress.Inet i -> "Inet[host=" + i.host() + ", port=" + i.port() + "]";
            case MilterAddress.Unix u -> "Unix[path=" + u.path() + "]";
        };
    }
}
