package dev.tern.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.0/8      | 127.0.0.1       | true
            127.0.0.0/8      | 127.255.255.254 | true
            127.0.0.0/8      | 128.0.0.1       | false
            192.0.2.0/25     | 192.0.2.127     | true
            192.0.2.0/25     | 192.0.2.128     | false
            192.0.2.7        | 192.0.2.7       | true
            192.0.2.7        | 192.0.2.8       | false
            0.0.0.0/0        | 203.0.113.9     | true
            ::1/128          | ::1             | true
            ::1/128          | ::2             | false
            2001:db8::/32    | 2001:db8:ffff::1| true
            2001:db8::/32    | 2001:db9::1     | false
            127.0.0.0/8      | ::1             | false
            """)
    void matchesAddressesInTheBlock(String cidr, String address, boolean expected) throws Exception {
        assertThat(Cidr.parse(cidr).contains(InetAddress.ofLiteral(address))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.0/33", "::1/129", "127.0.0.0/x", "not-an-address/8", "1.2.3.4/-1"})
    void refusesMalformedBlocks(String cidr) {
        assertThatThrownBy(() -> Cidr.parse(cidr)).isInstanceOf(IllegalArgumentException.class);
    }
}
