package dev.tern.testkit.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mailauth.spf.SpfEvaluator;
import dev.tern.testkit.TestDns;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7208 Appendix B.1 (the "Simple Examples" over the example.com zone it lists), each record with its results. */
class SpfAppendixTest {
    private static void zone(TestDns dns) {
        dns.mx("example.com", 10, "mail-a.example.com").mx("example.com", 20, "mail-b.example.com");
        dns.a("example.com", "192.0.2.10", "192.0.2.11");
        dns.a("amy.example.com", "192.0.2.65").a("bob.example.com", "192.0.2.66");
        dns.a("mail-a.example.com", "192.0.2.129").a("mail-b.example.com", "192.0.2.130");
        dns.cname("www.example.com", "example.com");
        dns.mx("example.org", 10, "mail-c.example.org").a("mail-c.example.org", "192.0.2.140");
        dns.ptr("192.0.2.10", "example.com").ptr("192.0.2.11", "example.com");
        dns.ptr("192.0.2.65", "amy.example.com").ptr("192.0.2.66", "bob.example.com");
        dns.ptr("192.0.2.129", "mail-a.example.com").ptr("192.0.2.130", "mail-b.example.com");
        dns.ptr("192.0.2.140", "mail-c.example.org").ptr("10.0.0.4", "bob.example.com");
    }

    @ParameterizedTest(name = "{0} from {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
        v=spf1 +all                                 | 198.51.100.7 | pass
        v=spf1 a -all                               | 192.0.2.10   | pass
        v=spf1 a -all                               | 192.0.2.11   | pass
        v=spf1 a -all                               | 192.0.2.12   | fail
        v=spf1 a:example.org -all                   | 192.0.2.140  | fail
        v=spf1 mx -all                              | 192.0.2.129  | pass
        v=spf1 mx -all                              | 192.0.2.130  | pass
        v=spf1 mx -all                              | 192.0.2.140  | fail
        v=spf1 mx:example.org -all                  | 192.0.2.140  | pass
        v=spf1 mx mx:example.org -all               | 192.0.2.129  | pass
        v=spf1 mx mx:example.org -all               | 192.0.2.130  | pass
        v=spf1 mx mx:example.org -all               | 192.0.2.140  | pass
        v=spf1 mx mx:example.org -all               | 192.0.2.10   | fail
        v=spf1 mx/30 mx:example.org/30 -all         | 192.0.2.131  | pass
        v=spf1 mx/30 mx:example.org/30 -all         | 192.0.2.143  | pass
        v=spf1 mx/30 mx:example.org/30 -all         | 192.0.2.132  | fail
        v=spf1 ptr -all                             | 192.0.2.65   | pass
        v=spf1 ptr -all                             | 192.0.2.140  | fail
        v=spf1 ptr -all                             | 10.0.0.4     | fail
        v=spf1 ip4:192.0.2.128/28 -all              | 192.0.2.65   | fail
        v=spf1 ip4:192.0.2.128/28 -all              | 192.0.2.129  | pass
        """)
    void simpleExamples(String record, String ip, String expected) throws Exception {
        try (TestDns dns = TestDns.start()) {
            zone(dns);
            dns.txt("example.com", record);
            SpfEvaluator spf = new SpfEvaluator(new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0)));
            var result = spf.check(InetAddress.ofLiteral(ip), "example.com", "user@example.com", "client.example");
            assertThat(result.kind().token()).as(result.reason()).isEqualTo(expected);
        }
    }
}
