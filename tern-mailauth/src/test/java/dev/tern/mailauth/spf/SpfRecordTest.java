package dev.tern.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpfRecordTest {
    // RFC 7208 §4.5: which TXT records are SPF records.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        v=spf1                  | true
        v=spf1 -all             | true
        V=SPF1 -all             | true
        v=spf10 -all            | false
        v=spf1-all              | false
        spf2.0/pra -all         | false
        ' v=spf1 -all'          | false
        """)
    void recognisesSpfRecords(String txt, boolean spf) {
        assertThat(SpfRecord.isSpf(txt)).isEqualTo(spf);
    }

    // RFC 7208 §4.6, §5, §6, §12: each term, valid or a permerror, described as "Mechanism[qualifier]".
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        v=spf1 -all                          | All()/FAIL
        v=spf1 ~all                          | All()/SOFTFAIL
        v=spf1 ?all                          | All()/NEUTRAL
        v=spf1 +all                          | All()/PASS
        v=spf1 ALL                           | All()/PASS
        v=spf1 include:_spf.example.com      | Include[domainSpec=_spf.example.com]/PASS
        v=spf1 a                             | A[domainSpec=Optional.empty, cidr4=32, cidr6=128]/PASS
        v=spf1 a/24                          | A[domainSpec=Optional.empty, cidr4=24, cidr6=128]/PASS
        v=spf1 a//64                         | A[domainSpec=Optional.empty, cidr4=32, cidr6=64]/PASS
        v=spf1 a:mail.example.com/24//64     | A[domainSpec=Optional[mail.example.com], cidr4=24, cidr6=64]/PASS
        v=spf1 -mx:example.com/30            | Mx[domainSpec=Optional[example.com], cidr4=30, cidr6=128]/FAIL
        v=spf1 mx                            | Mx[domainSpec=Optional.empty, cidr4=32, cidr6=128]/PASS
        v=spf1 ptr                           | Ptr[domainSpec=Optional.empty]/PASS
        v=spf1 ptr:example.com               | Ptr[domainSpec=Optional[example.com]]/PASS
        v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} | Exists[domainSpec=%{ir}.%{l1r+-}._spf.%{d}]/PASS
        v=spf1 a:%{d}                        | A[domainSpec=Optional[%{d}], cidr4=32, cidr6=128]/PASS
        v=spf1 a:example.com.                | A[domainSpec=Optional[example.com.], cidr4=32, cidr6=128]/PASS
        v=spf1 a/33                          | invalid
        v=spf1 a/024                         | invalid
        v=spf1 a//129                        | invalid
        v=spf1 a:1.2.3.4                     | invalid
        v=spf1 a:example                     | invalid
        v=spf1 a:                            | invalid
        v=spf1 all:foo                       | invalid
        v=spf1 include                       | invalid
        v=spf1 include:%{c}.example.com      | invalid
        v=spf1 exists:%{x}                   | invalid
        v=spf1 ptr/24                        | invalid
        v=spf1 ip4:192.0.2.300               | invalid
        v=spf1 ip4:192.0.2.1/33              | invalid
        v=spf1 ip4:192.0.2                   | invalid
        v=spf1 ip6:192.0.2.1                 | invalid
        v=spf1 ip6:2001:db8::/129            | invalid
        v=spf1 foo                           | invalid
        v=spf1 -                             | invalid
        v=spf1 *all                          | invalid
        """)
    void parsesMechanisms(String txt, String expected) {
        String actual = switch (SpfRecord.parse(txt)) {
            case SpfRecord.Parsed.Invalid invalid -> "invalid";
            case SpfRecord.Parsed.Valid valid -> {
                var d = valid.record().directives().getFirst();
                yield d.mechanism().toString().replace("Mechanism.", "").replaceFirst("^[A-Za-z]+\\$", "")
                        + "/" + d.qualifier();
            }
        };
        assertThat(actual.replaceAll("^(All|Include|A|Mx|Ptr|Exists)\\[\\]$", "$1()").replace("All[]", "All()"))
                .isEqualTo(expected);
    }

    @Test
    void ipNetworks() {
        var ip4 = (SpfRecord.Mechanism.Ip) valid("v=spf1 ip4:192.0.2.0/24").directives().getFirst().mechanism();
        assertThat(ip4.cidr()).isEqualTo(24);
        assertThat(SpfEvaluation.inNetwork(InetAddress.ofLiteral("192.0.2.200"), ip4.network(), 24)).isTrue();
        assertThat(SpfEvaluation.inNetwork(InetAddress.ofLiteral("192.0.3.1"), ip4.network(), 24)).isFalse();
        var ip6 = (SpfRecord.Mechanism.Ip) valid("v=spf1 ip6:2001:db8::/33").directives().getFirst().mechanism();
        assertThat(SpfEvaluation.inNetwork(InetAddress.ofLiteral("2001:db8:7fff::1"), ip6.network(), 33)).isTrue();
        assertThat(SpfEvaluation.inNetwork(InetAddress.ofLiteral("2001:db8:8000::1"), ip6.network(), 33)).isFalse();
        assertThat(SpfEvaluation.inNetwork(InetAddress.ofLiteral("192.0.2.1"), ip6.network(), 0)).isFalse();
        var mapped = (SpfRecord.Mechanism.Ip) valid("v=spf1 ip6:::ffff:192.0.2.1").directives().getFirst().mechanism();
        assertThat(mapped.network()).hasSize(16);
    }

    // RFC 7208 §6: the modifiers.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        v=spf1 redirect=_spf.example.com                 | redirect=_spf.example.com exp=
        v=spf1 -all exp=explain._spf.%{d}                | redirect= exp=explain._spf.%{d}
        v=spf1 -all foo=bar moo.cow-far_out=man:dog/cat  | redirect= exp=
        v=spf1 REDIRECT=example.com                      | redirect=example.com exp=
        v=spf1 redirect=a.example redirect=b.example     | invalid
        v=spf1 exp=a.example exp=b.example -all          | invalid
        v=spf1 redirect=                                 | invalid
        v=spf1 foo=%{x}                                  | invalid
        v=spf1 -all foo=%{c}                             | invalid
        """)
    void parsesModifiers(String txt, String expected) {
        String actual = switch (SpfRecord.parse(txt)) {
            case SpfRecord.Parsed.Invalid invalid -> "invalid";
            case SpfRecord.Parsed.Valid valid -> "redirect=" + valid.record().redirect().orElse("")
                    + " exp=" + valid.record().exp().orElse("");
        };
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void keepsTermsInOrderAndTheirText() {
        SpfRecord record = valid("v=spf1  mx  -ip4:192.0.2.1  ~all ");
        assertThat(record.directives()).extracting(SpfRecord.Directive::text).containsExactly("mx", "-ip4:192.0.2.1", "~all");
    }

    @Test
    void mappedAddressesAreIpv4() {
        InetAddress v6 = InetAddress.ofLiteral("::ffff:192.0.2.1"); // the JDK already unmaps literals
        assertThat(SpfEvaluator.unmapped(v6).getAddress()).hasSize(4);
        InetAddress real6 = InetAddress.ofLiteral("2001:db8::1");
        assertThat(SpfEvaluator.unmapped(real6)).isSameAs(real6);
    }

    private static SpfRecord valid(String txt) {
        return ((SpfRecord.Parsed.Valid) SpfRecord.parse(txt)).record();
    }
}
