package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.dns.Lookup;
import dev.tern.dns.Mx;
import dev.tern.mail.Domain;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DnsjavaResolver against a real DNS server on loopback: answers, CNAMEs, negative answers and failures. */
class DnsjavaResolverTest {
    private TestDns dns;
    private DnsjavaResolver resolver;

    @BeforeEach
    void start() throws IOException {
        dns = TestDns.start();
        resolver = new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(300), 0));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void mxRecordsComeWithPreferenceAndTtl() {
        dns.ttl(120).mx("example.test", 20, "MX2.example.test").mx("example.test", 10, "mx1.example.test");
        assertThat(resolver.mx(Domain.parse("example.test"))).isEqualTo(new Lookup.Found<>(
                List.of(new Mx(20, "mx2.example.test"), new Mx(10, "mx1.example.test")), Duration.ofSeconds(120)));
    }

    @Test
    void nullMxNamesTheRoot() {
        dns.nullMx("nomail.test");
        Lookup<Mx> answer = resolver.mx(Domain.parse("nomail.test"));
        assertThat(answer).isInstanceOf(Lookup.Found.class);
        assertThat(((Lookup.Found<Mx>) answer).records()).containsExactly(new Mx(0, "."));
        assertThat(((Lookup.Found<Mx>) answer).records().getFirst().namesRoot()).isTrue();
    }

    @Test
    void addressesOfBothFamilies() {
        dns.a("host.test", "192.0.2.1", "192.0.2.2").aaaa("host.test", "2001:db8::1");
        assertThat(records(resolver.a(Domain.parse("host.test"))))
                .containsExactly(ip("192.0.2.1"), ip("192.0.2.2"));
        assertThat(records(resolver.aaaa(Domain.parse("host.test")))).containsExactly(ip("2001:db8::1"));
    }

    @Test
    void txtStringsOfOneRecordAreJoined() {
        // RFC 7208 §3.3: a record's character-strings are concatenated without spaces.
        dns.txt("example.test", "v=spf1 ip4:192.0.2.0/24", " -all").txt("example.test", "other");
        assertThat(records(resolver.txt("example.test"))).containsExactlyInAnyOrder("v=spf1 ip4:192.0.2.0/24 -all", "other");
        dns.txt("_dmarc.example.test", "v=DMARC1; p=reject");
        assertThat(records(resolver.txt("_dmarc.example.test"))).containsExactly("v=DMARC1; p=reject");
    }

    @Test
    void truncatedUdpAnswerIsAskedAgainOverTcp() {
        String chunk = "x".repeat(250);
        dns.txt("big.test", chunk, chunk, chunk, chunk, chunk, chunk, chunk, chunk);
        assertThat(records(resolver.txt("big.test"))).containsExactly(chunk.repeat(8));
        assertThat(dns.queries()).extracting(TestDns.Query::tcp).containsExactly(false, true);
    }

    @Test
    void cnameChainIsFollowedAndTheSmallestTtlWins() {
        dns.ttl(600).cname("www.test", "alias.test").ttl(60).cname("alias.test", "host.test")
                .ttl(300).a("host.test", "192.0.2.9");
        assertThat(resolver.a(Domain.parse("www.test")))
                .isEqualTo(new Lookup.Found<>(List.of(ip("192.0.2.9")), Duration.ofSeconds(60)));
        assertThat(dns.queries()).hasSize(1);
    }

    @Test
    void cnameTheServerDidNotFollowIsAskedFor() {
        dns.followCnames(false).cname("www.test", "alias.test").cname("alias.test", "host.test")
                .a("host.test", "192.0.2.9");
        assertThat(records(resolver.a(Domain.parse("www.test")))).containsExactly(ip("192.0.2.9"));
        assertThat(dns.queries()).extracting(TestDns.Query::name).containsExactly("www.test", "alias.test", "host.test");
    }

    @Test
    void cnameLoopIsTemporaryAndBounded() {
        dns.cname("a.test", "b.test").cname("b.test", "a.test");
        assertThat(resolver.a(Domain.parse("a.test"))).isInstanceOf(Lookup.TempFail.class);
        dns.followCnames(false);
        assertThat(resolver.a(Domain.parse("a.test"))).isInstanceOf(Lookup.TempFail.class);
        assertThat(dns.queries()).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void moreThanTenCnamesIsTemporary() {
        dns.followCnames(false);
        for (int i = 0; i < 11; i++) dns.cname("c" + i + ".test", "c" + (i + 1) + ".test");
        dns.a("c11.test", "192.0.2.1");
        assertThat(resolver.a(Domain.parse("c0.test"))).isInstanceOf(Lookup.TempFail.class);
        assertThat(dns.queries()).hasSize(11);
        dns.remove("c0.test");
        assertThat(records(resolver.a(Domain.parse("c1.test")))).containsExactly(ip("192.0.2.1")); // ten is fine
    }

    @Test
    void nxdomainCarriesTheSoaNegativeTtl() {
        dns.negativeTtl(45);
        assertThat(resolver.mx(Domain.parse("nowhere.test"))).isEqualTo(new Lookup.NxDomain<>(Duration.ofSeconds(45)));
    }

    @Test
    void aNameWithoutTheTypeIsNoData() {
        dns.a("host.test", "192.0.2.1");
        assertThat(resolver.mx(Domain.parse("host.test"))).isEqualTo(new Lookup.NoData<>(Duration.ofSeconds(60)));
    }

    @Test
    void servfailIsTemporary() {
        dns.servfail("broken.test");
        assertThat(resolver.mx(Domain.parse("broken.test"))).isInstanceOf(Lookup.TempFail.class)
                .extracting(l -> ((Lookup.TempFail<Mx>) l).reason()).asString().contains("SERVFAIL");
    }

    @Test
    void noAnswerAtAllIsATemporaryTimeout() {
        dns.drop("silent.test");
        long start = System.nanoTime();
        assertThat(resolver.mx(Domain.parse("silent.test"))).isInstanceOf(Lookup.TempFail.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void retriesGoToTheNextServer() throws IOException {
        try (TestDns second = TestDns.start()) {
            dns.drop("example.test");
            second.mx("example.test", 10, "mx.example.test");
            var both = new DnsjavaResolver(new DnsSettings(List.of(dns.address(), second.address()),
                    Duration.ofMillis(500), 0));
            assertThat(records(both.mx(Domain.parse("example.test")))).containsExactly(new Mx(10, "mx.example.test"));
        }
    }

    static <T> List<T> records(Lookup<T> lookup) {
        assertThat(lookup).isInstanceOf(Lookup.Found.class);
        return ((Lookup.Found<T>) lookup).records();
    }

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }
}
