package dev.tern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dns.servers} entries: IP addresses with an optional port, never names. */
class DnsSettingsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.53             | 192.0.2.53   | 53
            192.0.2.53:5353        | 192.0.2.53   | 5353
            ' 127.0.0.1:1053 '     | 127.0.0.1    | 1053
            2001:db8::53           | 2001:db8::53 | 53
            [2001:db8::53]         | 2001:db8::53 | 53
            [2001:db8::53]:5353    | 2001:db8::53 | 5353
            """)
    void parsesServers(String text, String address, int port) {
        InetSocketAddress server = DnsSettings.parseServer(text);
        assertThat(server.getAddress().getHostAddress()).isEqualTo(
                java.net.InetAddress.ofLiteral(address).getHostAddress());
        assertThat(server.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''
            dns.example.net
            dns.example.net:53
            192.0.2.53:
            192.0.2.53:0
            192.0.2.53:70000
            [2001:db8::53
            [2001:db8::53]53
            """)
    void rejectsBadServers(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> DnsSettings.parseServer(text));
    }

    @Test
    void defaultsFindTheSystemsResolvers() {
        DnsSettings defaults = DnsSettings.defaults();
        assertThat(defaults.servers()).isNotEmpty();
        assertThat(defaults.worstCase()).isEqualTo(Duration.ofSeconds(10L * defaults.servers().size()));
    }

    @Test
    void settingsAreValidated() {
        var server = List.of(new InetSocketAddress("127.0.0.1", 53));
        assertThatIllegalArgumentException().isThrownBy(() -> new DnsSettings(List.of(), Duration.ofSeconds(1), 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new DnsSettings(server, Duration.ZERO, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new DnsSettings(server, Duration.ofSeconds(1), -1));
        assertThatIllegalArgumentException().isThrownBy(() -> new DnsSettings(
                List.of(InetSocketAddress.createUnresolved("dns.example", 53)), Duration.ofSeconds(1), 0));
    }
}
