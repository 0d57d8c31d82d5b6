package dev.tern.testkit;

import static dev.tern.testkit.DnsjavaResolverTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.delivery.route.Host;
import dev.tern.delivery.route.IpPreference;
import dev.tern.delivery.route.MxRouter;
import dev.tern.delivery.route.Route;
import dev.tern.delivery.route.RouteTarget;
import dev.tern.delivery.route.RoutingSettings;
import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 5321 §5.1 routing over real DNS answers from a loopback server. */
class MxRouterTest {
    private static final Domain EXAMPLE = Domain.parse("example.test");
    private static final Domain SELF = Domain.parse("mx.self.test");
    private static final InetAddress SELF_ADDRESS = ip("192.0.2.250");

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

    /** Seeded: the same seed gives the same shuffle. (java.util.Random's first draws barely differ for seeds 0, 1, 2 ...) */
    private MxRouter router(RoutingSettings settings, long seed) {
        return new MxRouter(resolver, settings, new SplittableRandom(seed));
    }

    private MxRouter router() {
        return router(RoutingSettings.defaults().withSelf(SELF, Set.of(SELF_ADDRESS)), 1);
    }

    private static List<String> names(Route route) {
        assertThat(route).isInstanceOf(Route.Hosts.class);
        return ((Route.Hosts) route).hosts().stream().map(h -> h.name().name()).toList();
    }

    private static List<InetAddress> addresses(Route route) {
        assertThat(route).isInstanceOf(Route.Hosts.class);
        return ((Route.Hosts) route).hosts().stream().flatMap(h -> h.addresses().stream()).toList();
    }

    private static void assertFailure(Route route, Class<?> type, String status) {
        assertThat(route).isInstanceOf(type);
        assertThat(((Route.Failure) route).status()).isEqualTo(EnhancedStatus.parse(status));
    }

    @Test
    void mxHostsGoByPreference() {
        dns.mx("example.test", 20, "b.example.test").mx("example.test", 10, "a.example.test")
                .mx("example.test", 30, "c.example.test")
                .a("a.example.test", "192.0.2.1").a("b.example.test", "192.0.2.2").a("c.example.test", "192.0.2.3");
        Route route = router().route(EXAMPLE);
        assertThat(names(route)).containsExactly("a.example.test", "b.example.test", "c.example.test");
        assertThat(((Route.Hosts) route).hosts()).extracting(Host::preference).containsExactly(10, 20, 30);
        assertThat(((Route.Hosts) route).implicit()).isFalse();
    }

    @Test
    void equalPreferencesAreShuffledAndStayBehindBetterOnes() {
        dns.mx("example.test", 10, "a.example.test").mx("example.test", 10, "b.example.test")
                .mx("example.test", 10, "c.example.test").mx("example.test", 20, "z.example.test");
        for (String host : List.of("a", "b", "c", "z")) dns.a(host + ".example.test", "192.0.2." + (host.charAt(0) - 'a' + 1));
        Set<List<String>> orders = new HashSet<>();
        for (long seed = 0; seed < 60; seed++) {
            List<String> order = names(router(RoutingSettings.defaults(), seed).route(EXAMPLE));
            assertThat(order).hasSize(4).endsWith("z.example.test");
            orders.add(order);
        }
        assertThat(orders).hasSize(6); // every order of the three equal hosts
        // the same seed gives the same order (tests can rely on it)
        assertThat(names(router(RoutingSettings.defaults(), 7).route(EXAMPLE)))
                .isEqualTo(names(router(RoutingSettings.defaults(), 7).route(EXAMPLE)));
    }

    @Test
    void noMxMeansTheDomainsOwnAddresses() {
        dns.a("example.test", "192.0.2.9").aaaa("example.test", "2001:db8::9");
        Route route = router().route(EXAMPLE);
        assertThat(route).isEqualTo(new Route.Hosts(
                List.of(new Host(EXAMPLE, 0, List.of(ip("192.0.2.9"), ip("2001:db8::9")))), true));
    }

    @Test
    void noMxAndNoAddressIsNoMailHost() {
        dns.txt("example.test", "v=spf1 -all");
        assertFailure(router().route(EXAMPLE), Route.NoMailHost.class, "5.4.4");
    }

    @Test
    void nullMxIsPermanentWithoutAnyAddressLookup() {
        dns.nullMx("example.test").a("example.test", "192.0.2.9");
        assertFailure(router().route(EXAMPLE), Route.NullMx.class, "5.1.10");
        assertThat(dns.queries()).hasSize(1);
    }

    @Test
    void nxdomainIsNoSuchDomain() {
        Route route = router().route(EXAMPLE);
        assertFailure(route, Route.NoSuchDomain.class, "5.1.2");
        assertThat(((Route.Failure) route).permanent()).isTrue();
    }

    @Test
    void servfailIsTemporary() {
        dns.servfail("example.test");
        Route route = router().route(EXAMPLE);
        assertFailure(route, Route.TempFail.class, "4.4.3");
        assertThat(((Route.Failure) route).permanent()).isFalse();
    }

    @Test
    void aSilentServerIsTemporary() {
        dns.drop("example.test");
        assertFailure(router().route(EXAMPLE), Route.TempFail.class, "4.4.3");
    }

    @Test
    void anMxHostThatCannotBeResolvedNowIsSkipped() {
        dns.mx("example.test", 10, "broken.example.test").mx("example.test", 20, "b.example.test")
                .servfail("broken.example.test").a("b.example.test", "192.0.2.2");
        assertThat(names(router().route(EXAMPLE))).containsExactly("b.example.test");
    }

    @Test
    void onlyUnresolvableMxHostsAreTemporaryWhenAnyFailedTemporarily() {
        dns.mx("example.test", 10, "broken.example.test").mx("example.test", 20, "gone.example.test")
                .servfail("broken.example.test");
        assertFailure(router().route(EXAMPLE), Route.TempFail.class, "4.4.3");
        dns.remove("broken.example.test");
        assertFailure(router().route(EXAMPLE), Route.NoMailHost.class, "5.4.4");
    }

    @Test
    void mxTargetsBehindCnamesAreFollowed() {
        dns.mx("example.test", 10, "mail.example.test").cname("mail.example.test", "real.example.test")
                .a("real.example.test", "192.0.2.5");
        assertThat(addresses(router().route(EXAMPLE))).containsExactly(ip("192.0.2.5"));
    }

    @Test
    void bestMxNamingThisServerIsALoop() {
        dns.mx("example.test", 10, "mx.self.test").mx("example.test", 20, "backup.example.test")
                .a("mx.self.test", "192.0.2.251").a("backup.example.test", "192.0.2.2");
        assertFailure(router().route(EXAMPLE), Route.Loop.class, "5.4.6");
    }

    @Test
    void bestMxResolvingToOurAddressIsALoop() {
        dns.mx("example.test", 10, "other-name.example.test").a("other-name.example.test", "192.0.2.250");
        assertFailure(router().route(EXAMPLE), Route.Loop.class, "5.4.6");
    }

    @Test
    void mxRecordsFromOursOnAreCut() {
        // RFC 5321 §5.1: we are the backup MX (20): only the better MX is tried, never 20 or worse.
        dns.mx("example.test", 10, "primary.example.test").mx("example.test", 20, "mx.self.test")
                .mx("example.test", 20, "peer.example.test").mx("example.test", 30, "worse.example.test")
                .a("primary.example.test", "192.0.2.1").a("mx.self.test", "192.0.2.250")
                .a("peer.example.test", "192.0.2.3").a("worse.example.test", "192.0.2.4");
        for (long seed = 0; seed < 10; seed++) {
            assertThat(names(router(RoutingSettings.defaults().withSelf(SELF, Set.of()), seed).route(EXAMPLE)))
                    .containsExactly("primary.example.test");
            assertThat(names(router(RoutingSettings.defaults().withSelf(Domain.parse("x.test"), Set.of(SELF_ADDRESS)),
                    seed).route(EXAMPLE))).containsExactly("primary.example.test");
        }
    }

    @Test
    void implicitMxOnOurAddressIsALoop() {
        dns.a("example.test", "192.0.2.250");
        assertFailure(router().route(EXAMPLE), Route.Loop.class, "5.4.6");
    }

    @Test
    void ipv4OnlyNeverAsksForAaaa() {
        dns.mx("example.test", 10, "mx.example.test").a("mx.example.test", "192.0.2.1")
                .aaaa("mx.example.test", "2001:db8::1");
        var v4 = router(RoutingSettings.defaults().withIpPreference(IpPreference.IPV4), 1);
        assertThat(addresses(v4.route(EXAMPLE))).containsExactly(ip("192.0.2.1"));
        assertThat(dns.queries("mx.example.test", "AAAA")).isZero();
        var v6 = router(RoutingSettings.defaults().withIpPreference(IpPreference.IPV6), 1);
        assertThat(addresses(v6.route(EXAMPLE))).containsExactly(ip("2001:db8::1"));
        assertThat(addresses(router().route(EXAMPLE))).containsExactly(ip("192.0.2.1"), ip("2001:db8::1"));
    }

    @Test
    void aHostWithOnlyIpv6IsSkippedUnderIpv4Only() {
        dns.mx("example.test", 10, "v6.example.test").aaaa("v6.example.test", "2001:db8::1");
        var v4 = router(RoutingSettings.defaults().withIpPreference(IpPreference.IPV4), 1);
        assertFailure(v4.route(EXAMPLE), Route.NoMailHost.class, "5.4.4");
    }

    @Test
    void addressesAndHostsAreBounded() {
        for (int i = 1; i <= 7; i++) {
            dns.mx("example.test", i, "mx" + i + ".example.test").a("mx" + i + ".example.test", "192.0.2." + i, "198.51.100." + i);
        }
        // Postfix's smtp_mx_address_limit: 5 addresses in all.
        assertThat(addresses(router().route(EXAMPLE))).hasSize(5);
        assertThat(names(router().route(EXAMPLE))).containsExactly("mx1.example.test", "mx2.example.test", "mx3.example.test");
        var wide = router(new RoutingSettings(SELF, Set.of(), IpPreference.BOTH, 5, 100), 1);
        assertThat(names(wide.route(EXAMPLE))).hasSize(5);
        assertThat(dns.queries("mx6.example.test", "A")).isZero();
    }

    @Test
    void anAddressIsTriedOnceEvenWhenTwoHostsShareIt() {
        dns.mx("example.test", 10, "a.example.test").mx("example.test", 20, "b.example.test")
                .a("a.example.test", "192.0.2.1").a("b.example.test", "192.0.2.1", "192.0.2.2");
        Route route = router().route(EXAMPLE);
        assertThat(addresses(route)).containsExactly(ip("192.0.2.1"), ip("192.0.2.2"));
        assertThat(names(route)).containsExactly("a.example.test", "b.example.test");
    }

    @Test
    void anAddressLiteralNeedsNoDns() {
        Route route = router().route(Domain.parse("[192.0.2.7]"));
        assertThat(addresses(route)).containsExactly(ip("192.0.2.7"));
        assertThat(addresses(router().route(Domain.parse("[IPv6:2001:db8::7]")))).containsExactly(ip("2001:db8::7"));
        assertFailure(router().route(Domain.parse("[192.0.2.250]")), Route.Loop.class, "5.4.6");
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void bracketedTargetsSkipTheMxLookup() {
        dns.mx("relay.test", 10, "elsewhere.test").a("relay.test", "192.0.2.20").a("elsewhere.test", "192.0.2.30");
        assertThat(addresses(router().route(RouteTarget.parse("[relay.test]:2525")))).containsExactly(ip("192.0.2.20"));
        assertThat(dns.queries("relay.test", "MX")).isZero();
        assertThat(addresses(router().route(RouteTarget.parse("relay.test:2525")))).containsExactly(ip("192.0.2.30"));
        assertThat(addresses(router().route(RouteTarget.parse("[192.0.2.40]:25")))).containsExactly(ip("192.0.2.40"));
        assertFailure(router().route(RouteTarget.parse("[missing.test]")), Route.NoMailHost.class, "5.4.4");
    }
}
