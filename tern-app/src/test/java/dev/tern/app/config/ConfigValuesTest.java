package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValuesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        250ms | PT0.25S
        0s    | PT0S
        30s   | PT30S
        5m    | PT5M
        90m   | PT1H30M
        1h    | PT1H
        5d    | PT120H
        """)
    void parsesDurations(String text, String expected) {
        assertThat(ConfigValues.parseDuration(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5 m", "5min", "1h30m", "-5s", "1.5h", "5M", "1w", "s", "9999999999999d"})
    void rejectsDurations(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigValues.parseDuration(text))
                .withMessageContaining("expected a duration");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        0          | 0
        1024       | 1024
        64KiB      | 65536
        256KiB     | 262144
        32MiB      | 33554432
        1GiB       | 1073741824
        """)
    void parsesSizes(String text, long expected) {
        assertThat(ConfigValues.parseSize(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8589934592GiB", "9223372036854775808"})
    void rejectsSizesBeyondLong(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigValues.parseSize(text)).withMessage("size too large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1k", "1KB", "1kib", "32 MB", "1.5MiB", "-1", "MiB", "1TiB"})
    void rejectsSizes(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigValues.parseSize(text))
                .withMessageContaining("expected a size");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        127.0.0.1:2525     | 127.0.0.1   | 2525
        0.0.0.0:25         | 0.0.0.0     | 25
        [::1]:2525         | 0:0:0:0:0:0:0:1 | 2525
        [::]:0             | 0:0:0:0:0:0:0:0 | 0
        [2001:db8::1]:65535 | 2001:db8:0:0:0:0:0:1 | 65535
        """)
    void parsesListenAddresses(String text, String host, int port) {
        InetSocketAddress address = ConfigValues.parseListenAddress(text);

        assertThat(address.isUnresolved()).isFalse();
        assertThat(address.getAddress().getHostAddress()).isEqualTo(host);
        assertThat(address.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        127.0.0.1            | expected address:port
        127.0.0.1:           | 0 to 65535
        127.0.0.1:65536      | 0 to 65535
        127.0.0.1:+25        | 0 to 65535
        ::1:25               | needs brackets
        [::1]                | [IPv6 address]:port
        [127.0.0.1]:25       | invalid IPv6 address
        localhost:25         | expected an IP address
        127.1:25             | expected an IP address
        256.0.0.1:25         | expected an IP address
        """)
    void rejectsListenAddresses(String text, String reason) {
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigValues.parseListenAddress(text))
                .withMessageContaining(reason);
    }
}
