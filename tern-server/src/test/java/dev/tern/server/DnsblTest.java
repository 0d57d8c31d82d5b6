package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.dns.Lookup;
import dev.tern.dns.Mx;
import dev.tern.dns.Resolver;
import dev.tern.mail.Domain;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DNS blocklists at connect (RFC 5782), over an in-memory resolver. */
class DnsblTest {
    /** A table of A and TXT answers; a name not in it is NXDOMAIN; {@code tempfail.test} zones fail; {@code hang.test} never answers. */
    static final class TableResolver implements Resolver {
        final Map<String, List<InetAddress>> a = new HashMap<>();
        final Map<String, String> txt = new HashMap<>();
        final List<String> asked = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch never = new CountDownLatch(1);

        @Override
        public Lookup<Mx> mx(Domain domain) {
            return new Lookup.NxDomain<>(Duration.ZERO);
        }

        @Override
        public Lookup<InetAddress> a(Domain host) {
            asked.add(host.name());
            if (host.name().endsWith(".tempfail.test")) return new Lookup.TempFail<>("SERVFAIL");
            if (host.name().endsWith(".hang.test")) {
                try {
                    never.await(); // released by interruption only: the check must not wait for it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Lookup.TempFail<>("interrupted");
            }
            List<InetAddress> found = a.get(host.name());
            return found == null ? new Lookup.NxDomain<>(Duration.ZERO) : new Lookup.Found<>(found, Duration.ZERO);
        }

        @Override
        public Lookup<InetAddress> aaaa(Domain host) {
            return new Lookup.NxDomain<>(Duration.ZERO);
        }

        @Override
        public Lookup<Mx> mx(String name) {
            return new Lookup.NxDomain<>(Duration.ZERO);
        }

        @Override
        public Lookup<InetAddress> a(String name) {
            return a(Domain.parse(name));
        }

        @Override
        public Lookup<InetAddress> aaaa(String name) {
            return new Lookup.NxDomain<>(Duration.ZERO);
        }

        @Override
        public Lookup<String> ptr(InetAddress address) {
            return new Lookup.NxDomain<>(Duration.ZERO);
        }

        @Override
        public Lookup<String> txt(String name) {
            String found = txt.get(name);
            return found == null ? new Lookup.NoData<>(Duration.ZERO) : new Lookup.Found<>(List.of(found), Duration.ZERO);
        }
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text); // numeric only in this test: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 5782 §2.1: the octets reversed; §2.4: IPv6 as 32 nibbles reversed.
        192.0.2.99  | 99.2.0.192.bl.test
        127.0.0.2   | 2.0.0.127.bl.test
        2001:db8:1:2::ab | b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test
        """)
    void queryNames(String client, String expected) {
        assertThat(Dnsbl.queryName(ip(client), Domain.parse("bl.test"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # zones (';'-separated) | answer of the first zone for 192.0.2.99 | TXT | expected
        bl.test                  | 127.0.0.2       | Listed by test | bl.test: Listed by test
        bl.test                  | 127.0.0.4       | -              | bl.test
        # Only 127.0.0.0/8 means listed (RFC 5782 §2.1); 127.255.255.x are the lists' error codes.
        bl.test                  | 192.0.2.1       | -              | clear
        bl.test                  | 127.255.255.254 | -              | clear
        # Configured codes narrow the answer.
        bl.test=127.0.0.2        | 127.0.0.2       | -              | bl.test
        bl.test=127.0.0.2,127.0.0.4 | 127.0.0.4    | -              | bl.test
        bl.test=127.0.0.2        | 127.0.0.10      | -              | clear
        bl.test=127.255.255.254  | 127.255.255.254 | -              | bl.test
        # Not in the zone: NXDOMAIN.
        other.test               | -               | -              | clear
        # A zone that fails or never answers does not list (fail open); a later zone still may.
        x.tempfail.test;bl.test  | 127.0.0.2       | -              | bl.test
        x.tempfail.test          | -               | -              | clear
        x.hang.test;bl.test      | 127.0.0.2       | -              | bl.test
        x.hang.test              | -               | -              | clear
        # The first zone in configured order names the listing.
        second.test;bl.test      | 127.0.0.2       | -              | second.test
        """)
    void listings(String zones, String answer, String txt, String expected) {
        TableResolver resolver = new TableResolver();
        resolver.a.put("99.2.0.192.second.test", List.of(ip("127.0.0.3")));
        if (!answer.equals("-")) resolver.a.put("99.2.0.192.bl.test", List.of(ip(answer)));
        if (!txt.equals("-")) resolver.txt.put("99.2.0.192.bl.test", txt);
        DnsblSettings settings = DnsblSettings.defaults().withZones(List.of(zones.split(";")))
                .withTimeout(Duration.ofMillis(300));
        Dnsbl.Listing listing = new Dnsbl(settings, resolver, List.of()).check("c1", ip("192.0.2.99"));
        String described = switch (listing) {
            case Dnsbl.Listing.Clear c -> "clear";
            case Dnsbl.Listing.Listed(var zone, var reason) -> zone.name().name() + (reason.isEmpty() ? "" : ": " + reason);
        };
        assertThat(described).isEqualTo(expected);
        resolver.never.countDown();
    }

    @ParameterizedTest(name = "{0} with exempt {1} -> asked {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # Loopback is exempt by default; trusted (relay) networks too; the exemption can be narrowed.
        127.0.0.2  | 127.0.0.0/8  | -            | false
        127.0.0.2  | 127.0.0.1/32 | -            | true
        192.0.2.99 | 127.0.0.0/8  | 192.0.2.0/24 | false
        192.0.2.99 | 127.0.0.0/8  | -            | true
        ::1        | ::1/128      | -            | false
        """)
    void exemptClientsAreNotAsked(String client, String exempt, String trusted, boolean asked) {
        TableResolver resolver = new TableResolver();
        DnsblSettings settings = DnsblSettings.defaults().withZones(List.of("bl.test")).withExemptNetworks(List.of(exempt));
        Dnsbl dnsbl = new Dnsbl(settings, resolver, trusted.equals("-") ? List.of() : List.of(trusted));
        assertThat(dnsbl.applies(ip(client))).isEqualTo(asked);
        dnsbl.check("c1", ip(client));
        assertThat(!resolver.asked.isEmpty()).isEqualTo(asked);
    }

    @Test
    void noZonesMeansNoLookups() {
        TableResolver resolver = new TableResolver();
        assertThat(new Dnsbl(DnsblSettings.defaults(), resolver, List.of()).check("c1", ip("192.0.2.99")))
                .isEqualTo(Dnsbl.CLEAR);
        assertThat(resolver.asked).isEmpty();
    }

    @Test
    void greetingNamesClientZoneAndReasonSafely() {
        var zone = DnsblSettings.Zone.parse("zen.spamhaus.test");
        assertThat(Dnsbl.greeting(new Dnsbl.Listing.Listed(zone, "see https://x.test/q?ip=192.0.2.99"), ip("192.0.2.99")))
                .hasToString("554 5.7.1 Service unavailable; client [192.0.2.99] blocked using zen.spamhaus.test: "
                        + "see https://x.test/q?ip=192.0.2.99");
        assertThat(Dnsbl.greeting(new Dnsbl.Listing.Listed(zone, ""), ip("192.0.2.99")))
                .hasToString("554 5.7.1 Service unavailable; client [192.0.2.99] blocked using zen.spamhaus.test");
        TableResolver resolver = new TableResolver();
        resolver.a.put("99.2.0.192.bl.test", List.of(ip("127.0.0.2")));
        resolver.txt.put("99.2.0.192.bl.test", "bad\r\nline " + "x".repeat(500));
        var listed = (Dnsbl.Listing.Listed) new Dnsbl(DnsblSettings.defaults().withZones(List.of("bl.test")), resolver,
                List.of()).check("c1", ip("192.0.2.99"));
        assertThat(listed.reason()).doesNotContain("\r", "\n").hasSizeLessThanOrEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        bl.test=192.0.2.1
        bl.test=127.0.0
        bl.test=
        [192.0.2.1]
        """)
    void badZonesAreRefused(String zone) {
        assertThatThrownBy(() -> DnsblSettings.Zone.parse(zone)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 5321 §3.1: after a 554 greeting only QUIT; anything else 503; bounded.
        QUIT        | 221 2.0.0 Bye           | close
        quit        | 221 2.0.0 Bye           | close
        EHLO c.test | 503 5.5.1 Bad sequence of commands; only QUIT is accepted | command
        MAIL FROM:<a@b.test> | 503 5.5.1 Bad sequence of commands; only QUIT is accepted | command
        """)
    void blockedSessionOnlyAnswersQuit(String line, String reply, String next) {
        BlockedSession session = new BlockedSession(Dnsbl.greeting(
                new Dnsbl.Listing.Listed(DnsblSettings.Zone.parse("bl.test"), ""), ip("192.0.2.99")));
        assertThat(session.greeting().reply().orElseThrow().code()).isEqualTo(554);
        var step = session.command(line);
        assertThat(step.reply().orElseThrow()).hasToString(reply);
        assertThat(step.next() instanceof dev.tern.smtp.Next.Close ? "close" : "command").isEqualTo(next);
    }

    @Test
    void blockedSessionClosesAfterTooManyCommands() {
        BlockedSession session = new BlockedSession(Dnsbl.greeting(
                new Dnsbl.Listing.Listed(DnsblSettings.Zone.parse("bl.test"), ""), ip("192.0.2.99")));
        for (int i = 1; i < BlockedSession.MAX_COMMANDS; i++) assertThat(session.command("NOOP").reply().orElseThrow().code()).isEqualTo(503);
        assertThat(session.command("NOOP").reply().orElseThrow().code()).isEqualTo(421);
    }
}
