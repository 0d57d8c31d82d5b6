package dev.tern.testkit;

import static dev.tern.testkit.DnsjavaResolverTest.ip;
import static dev.tern.testkit.DnsjavaResolverTest.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.CachingResolver;
import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.dns.Lookup;
import dev.tern.mail.Domain;
import dev.tern.testbase.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache in front of real DNS: TTLs and negative TTLs (RFC 2308 §5) decide, the server's query log tells. */
class CachingResolverTest {
    private static final Domain HOST = Domain.parse("host.test");

    private final MutableClock clock = new MutableClock();
    private TestDns dns;
    private CachingResolver cache;

    @BeforeEach
    void start() throws IOException {
        dns = TestDns.start();
        cache = cacheOf(100);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private CachingResolver cacheOf(int maxEntries) {
        var upstream = new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(300), 0));
        return new CachingResolver(upstream, clock, maxEntries);
    }

    @Test
    void anAnswerIsReusedWithTheTtlThatIsLeft() {
        dns.ttl(300).a("host.test", "192.0.2.1");
        assertThat(cache.a(HOST)).isEqualTo(new Lookup.Found<>(List.of(ip("192.0.2.1")), Duration.ofSeconds(300)));
        clock.advance(Duration.ofSeconds(100));
        assertThat(cache.a(HOST)).isEqualTo(new Lookup.Found<>(List.of(ip("192.0.2.1")), Duration.ofSeconds(200)));
        assertThat(dns.queries("host.test", "A")).isEqualTo(1);
    }

    @Test
    void anExpiredAnswerIsAskedForAgain() {
        dns.ttl(300).a("host.test", "192.0.2.1");
        cache.a(HOST);
        dns.remove("host.test").a("host.test", "192.0.2.2");
        clock.advance(Duration.ofSeconds(299));
        assertThat(records(cache.a(HOST))).containsExactly(ip("192.0.2.1"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(records(cache.a(HOST))).containsExactly(ip("192.0.2.2"));
        assertThat(dns.queries("host.test", "A")).isEqualTo(2);
    }

    @Test
    void typesAreCachedApart() {
        dns.a("host.test", "192.0.2.1").aaaa("host.test", "2001:db8::1");
        cache.a(HOST);
        assertThat(records(cache.aaaa(HOST))).containsExactly(ip("2001:db8::1"));
        assertThat(dns.queries()).hasSize(2);
    }

    @Test
    void nxdomainIsCachedForTheSoaNegativeTtl() {
        dns.negativeTtl(60);
        Domain nowhere = Domain.parse("nowhere.test");
        assertThat(cache.mx(nowhere)).isEqualTo(new Lookup.NxDomain<>(Duration.ofSeconds(60)));
        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.mx(nowhere)).isEqualTo(new Lookup.NxDomain<>(Duration.ofSeconds(1)));
        assertThat(dns.queries("nowhere.test", "MX")).isEqualTo(1);
        dns.mx("nowhere.test", 10, "mx.nowhere.test");
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.mx(nowhere)).isInstanceOf(Lookup.Found.class);
        assertThat(dns.queries("nowhere.test", "MX")).isEqualTo(2);
    }

    @Test
    void noDataIsCachedToo() {
        dns.negativeTtl(30).a("host.test", "192.0.2.1");
        cache.mx(HOST);
        cache.mx(HOST);
        assertThat(dns.queries("host.test", "MX")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        cache.mx(HOST);
        assertThat(dns.queries("host.test", "MX")).isEqualTo(2);
    }

    @Test
    void aNegativeAnswerWithoutNegativeTtlIsNotCached() {
        dns.negativeTtl(0);
        cache.mx(Domain.parse("nowhere.test"));
        cache.mx(Domain.parse("nowhere.test"));
        assertThat(dns.queries("nowhere.test", "MX")).isEqualTo(2);
    }

    @Test
    void temporaryFailuresAreNeverCached() {
        dns.servfail("broken.test");
        assertThat(cache.mx(Domain.parse("broken.test"))).isInstanceOf(Lookup.TempFail.class);
        assertThat(cache.mx(Domain.parse("broken.test"))).isInstanceOf(Lookup.TempFail.class);
        assertThat(dns.queries("broken.test", "MX")).isEqualTo(2);
    }

    @Test
    void longTtlsAreCapped() {
        dns.ttl(Duration.ofDays(7).toSeconds()).a("host.test", "192.0.2.1");
        cache.a(HOST);
        clock.advance(CachingResolver.MAX_TTL);
        cache.a(HOST);
        assertThat(dns.queries("host.test", "A")).isEqualTo(2);
    }

    @Test
    void theLeastRecentlyUsedAnswerLeavesFirst() {
        CachingResolver small = cacheOf(2);
        dns.a("one.test", "192.0.2.1").a("two.test", "192.0.2.2").a("three.test", "192.0.2.3");
        small.a(Domain.parse("one.test"));
        small.a(Domain.parse("two.test"));
        small.a(Domain.parse("one.test")); // one is now the most recently used
        small.a(Domain.parse("three.test")); // pushes two out
        small.a(Domain.parse("one.test"));
        small.a(Domain.parse("two.test"));
        assertThat(small.size()).isEqualTo(2);
        assertThat(dns.queries("one.test", "A")).isEqualTo(1);
        assertThat(dns.queries("two.test", "A")).isEqualTo(2);
    }

    @Test
    void txtNamesAreCachedWhateverTheirCase() {
        dns.txt("_dmarc.example.test", "v=DMARC1; p=none");
        cache.txt("_dmarc.example.test");
        assertThat(records(cache.txt("_DMARC.Example.Test."))).containsExactly("v=DMARC1; p=none");
        assertThat(dns.queries()).hasSize(1);
    }
}
