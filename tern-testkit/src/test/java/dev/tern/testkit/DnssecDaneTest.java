package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.dane.DaneDecision;
import dev.tern.delivery.dane.DnssecDane;
import dev.tern.delivery.dane.ProbedDane;
import dev.tern.delivery.dane.Dane;
import dev.tern.delivery.dane.Tlsa;
import dev.tern.delivery.dane.TrustAnchors;
import dev.tern.dns.DnsSettings;
import dev.tern.mail.Domain;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link DnssecDane} against {@link TestDns} serving a {@link SignedZone}: the zone {@code dane.test} is the trust
 * anchor; {@code insecure.dane.test} is delegated without DS (RFC 4035 §5.2) and {@code outside.test} is under no
 * anchor at all.
 */
class DnssecDaneTest {
    private static final byte[] DIGEST = HexFormat.of().parseHex(
            "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6");

    private static TestDns dns;
    private static SignedZone zone;
    private static DnssecDane dane;

    @BeforeAll
    static void serveZones() throws Exception {
        dns = TestDns.start();
        zone = SignedZone.create("dane.test");
        dns.serve(zone);
        zone.mx("dane.test", 10, "mx.dane.test")
                .a("mx.dane.test", "192.0.2.1").aaaa("mx.dane.test", "2001:db8::1")
                .tlsa("_25._tcp.mx.dane.test", 3, 1, 1, DIGEST)
                .tlsa("_25._tcp.mx.dane.test", 2, 0, 1, DIGEST)
                // unknown usage and PKIX-EE stay in the RRset as unusable (RFC 7672 §2.2, §3.1.3)
                .a("odd.dane.test", "192.0.2.2").tlsa("_25._tcp.odd.dane.test", 1, 1, 1, DIGEST)
                .tlsa("_25._tcp.odd.dane.test", 4, 0, 0, new byte[] {1})
                .a("notlsa.dane.test", "192.0.2.3")
                .a("bogus.dane.test", "192.0.2.4").tlsa("_25._tcp.bogus.dane.test", 3, 1, 1, DIGEST)
                .fault("_25._tcp.bogus.dane.test", SignedZone.Fault.BAD_SIGNATURE)
                .a("expired.dane.test", "192.0.2.5").tlsa("_25._tcp.expired.dane.test", 3, 1, 1, DIGEST)
                .fault("_25._tcp.expired.dane.test", SignedZone.Fault.EXPIRED_SIGNATURE)
                .a("unsigned.dane.test", "192.0.2.6").tlsa("_25._tcp.unsigned.dane.test", 3, 1, 1, DIGEST)
                .fault("_25._tcp.unsigned.dane.test", SignedZone.Fault.NO_SIGNATURE)
                .a("badaddr.dane.test", "192.0.2.7").tlsa("_25._tcp.badaddr.dane.test", 3, 1, 1, DIGEST)
                .fault("badaddr.dane.test", SignedZone.Fault.BAD_SIGNATURE)
                .a("servfail.dane.test", "192.0.2.8").tlsa("_25._tcp.servfail.dane.test", 3, 1, 1, DIGEST)
                .a("slow.dane.test", "192.0.2.9").tlsa("_25._tcp.slow.dane.test", 3, 1, 1, DIGEST)
                // RFC 7672 §2.2.2: a secure CNAME of the host; TLSA at the final name
                .cname("alias.dane.test", "final.dane.test").a("final.dane.test", "192.0.2.10")
                .tlsa("_25._tcp.final.dane.test", 3, 1, 1, DIGEST)
                // RFC 7671 §7: a CNAME of the TLSA name itself
                .a("shared.dane.test", "192.0.2.11").cname("_25._tcp.shared.dane.test", "_25._tcp.pool.dane.test")
                .a("pool.dane.test", "192.0.2.12").tlsa("_25._tcp.pool.dane.test", 3, 1, 1, DIGEST)
                .a("nomx.dane.test", "192.0.2.13")
                .mx("bogusmx.dane.test", 10, "mx.dane.test").fault("bogusmx.dane.test", SignedZone.Fault.BAD_SIGNATURE)
                .delegateInsecure("insecure.dane.test");
        dns.servfail("_25._tcp.servfail.dane.test").drop("_25._tcp.slow.dane.test");
        // the insecure child and the unanchored zone, unsigned
        dns.mx("insecure.dane.test", 10, "mx.insecure.dane.test").a("mx.insecure.dane.test", "192.0.2.20")
                .txt("_25._tcp.mx.insecure.dane.test", "not a TLSA");
        dns.mx("outside.test", 10, "mx.outside.test").a("mx.outside.test", "192.0.2.21");
        DnsSettings settings = new DnsSettings(List.of(dns.address()), Duration.ofMillis(500), 0);
        dane = new DnssecDane(settings, TrustAnchors.parse(zone.trustAnchor()), Duration.ofSeconds(5),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # RFC 7672 §2.2.1: a secure MX RRset, or a secure proof that there is none
            dane.test           | true
            nomx.dane.test      | true
            nothing.dane.test   | true
            # an unsigned child, a zone under no anchor, and a bogus MX RRset
            insecure.dane.test  | false
            outside.test        | false
            bogusmx.dane.test   | false
            """)
    void mxSecure(String domain, boolean secure) {
        assertThat(dane.mxSecure(Domain.parse(domain))).isEqualTo(secure);
    }

    /** RFC 7672 §2.1.1: a bogus MX answer is a lookup error (the mail waits), not an unsigned zone. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            dane.test           | SECURE
            insecure.dane.test  | INSECURE
            outside.test        | INSECURE
            bogusmx.dane.test   | BOGUS
            """)
    void mxSecurityTellsBogusFromInsecure(String domain, Dane.MxSecurity expected) {
        assertThat(dane.mxSecurity(Domain.parse(domain))).isEqualTo(expected);
    }

    /** Servers under which the root's keys do not validate (here: the anchor is only dane.test) leave DANE off. */
    @Test
    void withoutAValidatingRootDaneStaysOff() {
        assertThat(dane.validates()).isFalse();
        Dane probed = new ProbedDane(dane);
        assertThat(probed.mxSecurity(Domain.parse("bogusmx.dane.test"))).isEqualTo(Dane.MxSecurity.INSECURE);
        assertThat(probed.lookup("mx.dane.test", 25, true)).isInstanceOf(DaneDecision.NotApplicable.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # secure TLSA records: TLS with authentication (RFC 7672 §2.2)
            mx.dane.test           | Authenticate
            odd.dane.test          | Authenticate
            alias.dane.test        | Authenticate
            shared.dane.test       | Authenticate
            # a secure denial, or records outside the chain of trust: DANE does not apply
            notlsa.dane.test       | NotApplicable
            mx.insecure.dane.test  | NotApplicable
            mx.outside.test        | NotApplicable
            nothing.dane.test      | NotApplicable
            # bogus answers and failed lookups wait (RFC 7672 §2.2)
            bogus.dane.test        | Defer bogus
            expired.dane.test      | Defer bogus
            unsigned.dane.test     | Defer bogus
            badaddr.dane.test      | Defer bogus
            servfail.dane.test     | Defer
            slow.dane.test         | Defer
            """)
    void lookup(String host, String expected) {
        DaneDecision decision = dane.lookup(host, 25, true);
        String kind = switch (decision) {
            case DaneDecision.Authenticate a -> "Authenticate";
            case DaneDecision.NotApplicable n -> "NotApplicable";
            case DaneDecision.Defer d -> d.bogus() ? "Defer bogus" : "Defer";
        };
        assertThat(kind).as("%s", decision).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            notlsa.dane.test       | no TLSA records for notlsa.dane.test
            nothing.dane.test      | no address records
            mx.insecure.dane.test  | address records not secure
            mx.outside.test        | address records not secure
            """)
    void notApplicableSaysWhy(String host, String why) {
        assertThat(dane.lookup(host, 25, true)).isInstanceOfSatisfying(DaneDecision.NotApplicable.class,
                n -> assertThat(n.why()).startsWith(why));
    }

    @Test
    void insecureMxRRsetMeansNoDaneWithoutAsking() {
        long before = dns.queries().size();
        assertThat(dane.lookup("mx.dane.test", 25, false)).isInstanceOf(DaneDecision.NotApplicable.class);
        assertThat(dns.queries()).hasSize((int) before);
    }

    @Test
    void authenticateCarriesTheRecordsAndTheHostName() {
        var decision = (DaneDecision.Authenticate) dane.lookup("mx.dane.test", 25, true);
        assertThat(decision.records()).containsExactlyInAnyOrder(
                new Tlsa(3, 1, 1, DIGEST), new Tlsa(2, 0, 1, DIGEST));
        assertThat(decision.tlsaName()).isEqualTo("_25._tcp.mx.dane.test.");
        assertThat(decision.names()).containsExactly("mx.dane.test");
    }

    @Test
    void unusableRecordsStillMeanTlsIsMandatory() {
        var decision = (DaneDecision.Authenticate) dane.lookup("odd.dane.test", 25, true);
        assertThat(decision.records()).hasSize(2);
        assertThat(decision.anyUsable()).isFalse();
    }

    @Test
    void aSecureHostCnameMakesTheFinalNameAReferenceIdentifier() {
        var decision = (DaneDecision.Authenticate) dane.lookup("alias.dane.test", 25, true);
        assertThat(decision.tlsaName()).isEqualTo("_25._tcp.final.dane.test.");
        assertThat(decision.names()).containsExactly("alias.dane.test", "final.dane.test");
    }

    @Test
    void aTlsaCnameIsFollowedAndItsBaseIsAReferenceIdentifier() {
        var decision = (DaneDecision.Authenticate) dane.lookup("shared.dane.test", 25, true);
        assertThat(decision.tlsaName()).isEqualTo("_25._tcp.pool.dane.test.");
        assertThat(decision.names()).containsExactly("shared.dane.test", "pool.dane.test");
    }

    @Test
    void anotherPortIsAnotherTlsaName() {
        assertThat(dane.lookup("mx.dane.test", 587, true)).isInstanceOf(DaneDecision.NotApplicable.class);
        assertThat(dns.queries("_587._tcp.mx.dane.test", "TLSA")).isPositive();
    }

    @Test
    void secureAnswersAreCachedForTheirTtl() {
        dane.lookup("pool.dane.test", 25, true);
        int before = dns.queries().size();
        assertThat(dane.lookup("pool.dane.test", 25, true)).isInstanceOf(DaneDecision.Authenticate.class);
        assertThat(dns.queries()).hasSize(before);
    }

    @Test
    void aServerThatNeverAnswersDefersWithinTheTimeout() {
        long start = System.nanoTime();
        assertThat(dane.lookup("slow.dane.test", 25, true)).isInstanceOf(DaneDecision.Defer.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void validatorQueriesCarryTheDoBit() {
        dane.lookup("mx.dane.test", 25, true);
        assertThat(dns.queries("dane.test", "DNSKEY")).isPositive();
    }
}
