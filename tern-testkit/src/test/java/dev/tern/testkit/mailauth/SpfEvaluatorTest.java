package dev.tern.testkit.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.dns.Lookup;
import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.mailauth.spf.SpfEvaluator;
import dev.tern.mailauth.spf.SpfResult;
import dev.tern.testkit.TestDns;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPF over a real DNS server on 127.0.0.1: every result, mechanism, modifier and limit of RFC 7208 from a table. */
class SpfEvaluatorTest {
    static TestDns dns;
    static DnsjavaResolver resolver;
    static SpfEvaluator spf;

    @BeforeAll
    static void zone() throws Exception {
        dns = TestDns.start();
        SpfZone.fill(dns);
        resolver = new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(500), 0));
        spf = new SpfEvaluator(resolver);
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    static SpfResult check(String ip, String domain, String local) {
        return spf.check(InetAddress.ofLiteral(ip), domain, local + "@" + domain, "client.example");
    }

    @ParameterizedTest(name = "{1} from {0}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # §2.6 every result kind, §4.5 record selection
        192.0.2.1      | pass.spf.test          | a     | pass      | ip4:192.0.2.1
        192.0.2.2      | pass.spf.test          | a     | fail      | -all
        192.0.2.2      | softfail.spf.test      | a     | softfail  | ~all
        192.0.2.2      | neutral.spf.test       | a     | neutral   | ?all
        192.0.2.2      | default.spf.test       | a     | neutral   | ''
        192.0.2.2      | nothing.spf.test       | a     | none      | ''
        192.0.2.2      | txtonly.spf.test       | a     | none      | ''
        192.0.2.2      | two.spf.test           | a     | permerror | ''
        192.0.2.2      | spfandother.spf.test   | a     | fail      | -all
        192.0.2.1      | split.spf.test         | a     | pass      | ip4:192.0.2.1
        192.0.2.2      | bad.spf.test           | a     | permerror | ''
        192.0.2.2      | badcidr.spf.test       | a     | permerror | ''
        192.0.2.2      | servfail.spf.test      | a     | temperror | ''
        192.0.2.2      | nodots                 | a     | none      | ''
        # §5.6 ip4 and ip6 (an IPv4 client never matches ip6)
        2001:db8::5    | ip6.spf.test           | a     | pass      | ip6:2001:db8::/32
        2001:db9::5    | ip6.spf.test           | a     | fail      | -all
        192.0.2.1      | ip6.spf.test           | a     | fail      | -all
        192.0.2.200    | ip4cidr.spf.test       | a     | pass      | ip4:192.0.2.128/25
        192.0.2.127    | ip4cidr.spf.test       | a     | fail      | -all
        # §5.3 a, with dual CIDR lengths
        192.0.2.10     | a.spf.test             | a     | pass      | a
        2001:db8::10   | a.spf.test             | a     | pass      | a
        192.0.2.11     | a.spf.test             | a     | fail      | -all
        192.0.2.99     | acidr.spf.test         | a     | pass      | a:a.spf.test/24//64
        2001:db8::ffff | acidr.spf.test         | a     | pass      | a:a.spf.test/24//64
        198.51.100.1   | acidr.spf.test         | a     | fail      | -all
        192.0.2.2      | atemp.spf.test         | a     | temperror | ''
        192.0.2.2      | aempty.spf.test        | a     | fail      | -all
        # §5.4 mx: at most 10 MX names
        192.0.2.21     | mx.spf.test            | a     | pass      | mx
        192.0.2.22     | mx.spf.test            | a     | fail      | -all
        192.0.2.23     | mxcidr.spf.test        | a     | pass      | mx:mx.spf.test/30
        192.0.2.20     | mx11.spf.test          | a     | permerror | ''
        # §5.5 ptr: validated names only
        192.0.2.30     | ptr.spf.test           | a     | pass      | ptr
        192.0.2.31     | ptr.spf.test           | a     | fail      | -all
        192.0.2.32     | ptr.spf.test           | a     | fail      | -all
        192.0.2.30     | ptrother.spf.test      | a     | fail      | -all
        # §5.7 exists and §7 macros (%{i} %{l} %{p}, IPv6 nibbles)
        192.0.2.1      | exists.spf.test        | a     | pass      | exists:%{ir}.list.spf.test
        192.0.2.2      | exists.spf.test        | a     | fail      | -all
        192.0.2.2      | macro.spf.test         | alice | pass      | exists:%{l}.users.spf.test
        192.0.2.2      | macro.spf.test         | bob   | fail      | -all
        192.0.2.30     | pmacro.spf.test        | a     | pass      | exists:%{p}.ok.spf.test
        192.0.2.31     | pmacro.spf.test        | a     | fail      | -all
        2001:db8::1    | v6macro.spf.test       | a     | pass      | exists:%{ir}.v6list.spf.test
        # §5.2 include's result table
        192.0.2.1      | inc.spf.test           | a     | pass      | include:pass.spf.test
        192.0.2.2      | inc.spf.test           | a     | fail      | -all
        192.0.2.2      | incsoft.spf.test       | a     | neutral   | ?all
        192.0.2.2      | incnone.spf.test       | a     | permerror | ''
        192.0.2.2      | inctemp.spf.test       | a     | temperror | ''
        192.0.2.2      | incperm.spf.test       | a     | permerror | ''
        # §6.1 redirect, §6 unknown modifiers
        192.0.2.1      | redir.spf.test         | a     | pass      | ip4:192.0.2.1
        192.0.2.2      | redir.spf.test         | a     | fail      | -all
        192.0.2.2      | redirnone.spf.test     | a     | permerror | ''
        192.0.2.1      | redirall.spf.test      | a     | neutral   | ?all
        192.0.2.2      | unknownmod.spf.test    | a     | fail      | -all
        # §4.6.4 limits: 10 DNS terms, 2 void lookups, include loops
        198.51.100.1   | terms10.spf.test       | a     | fail      | -all
        198.51.100.1   | terms11.spf.test       | a     | permerror | ''
        192.0.2.2      | void2.spf.test         | a     | fail      | -all
        192.0.2.2      | void3.spf.test         | a     | permerror | ''
        192.0.2.2      | loop.spf.test          | a     | permerror | ''
        192.0.2.2      | chain1.spf.test        | a     | permerror | ''
        """)
    void checkHost(String ip, String domain, String local, String kind, String mechanism) {
        SpfResult result = check(ip, domain, local);
        assertThat(result.kind().token()).as(result.reason()).isEqualTo(kind);
        assertThat(result.mechanism()).isEqualTo(mechanism.isEmpty() ? Optional.empty() : Optional.of(mechanism));
        assertThat(result.domain()).isEqualTo(domain);
    }

    // §6.2: exp= for a fail, macro-expanded; the included domain's exp= is not used, the redirected one's is.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        exp.spf.test        | 192.0.2.2 is not one of exp.spf.test's designated mail servers.
        expredir.spf.test   | 192.0.2.2 is not one of exp.spf.test's designated mail servers.
        expinc.spf.test     | ''
        expbroken.spf.test  | ''
        """)
    void explanation(String domain, String expected) {
        SpfResult result = check("192.0.2.2", domain, "a");
        assertThat(result.kind()).isEqualTo(SpfResult.Kind.FAIL);
        assertThat(result.explanation()).isEqualTo(expected.isEmpty() ? Optional.empty() : Optional.of(expected));
    }

    @Test
    void timeoutIsTemperror() {
        assertThat(check("192.0.2.2", "timeout.spf.test", "a").kind()).isEqualTo(SpfResult.Kind.TEMPERROR);
    }

    @Test
    void overallTimeLimitIsTemperror() {
        SpfEvaluator hasty = new SpfEvaluator(resolver, Duration.ofNanos(1), "mx.receiver.test", Clock.systemUTC());
        SpfResult result = hasty.check(InetAddress.ofLiteral("192.0.2.1"), "pass.spf.test", "a@pass.spf.test", "h.test");
        assertThat(result.kind()).isEqualTo(SpfResult.Kind.TEMPERROR);
        assertThat(result.reason()).contains("time limit");
    }

    @Test
    void ipv4MappedClientIsIpv4() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(new byte[] {(byte) 192, 0, 2, 1}, 0, mapped, 12, 4);
        InetAddress ip = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(spf.check(ip, "pass.spf.test", "a@pass.spf.test", "h.test").kind()).isEqualTo(SpfResult.Kind.PASS);
    }

    @Test
    void heloIdentityAndNullReversePath() {
        InetAddress ip = InetAddress.ofLiteral("192.0.2.40");
        assertThat(spf.checkHelo(ip, "helo.spf.test").kind()).isEqualTo(SpfResult.Kind.PASS);
        SpfResult bounce = spf.checkMailFrom(ip, ReversePath.NULL, "helo.spf.test");
        assertThat(bounce.kind()).isEqualTo(SpfResult.Kind.PASS);
        assertThat(bounce.domain()).isEqualTo("helo.spf.test");
        SpfResult mailFrom = spf.checkMailFrom(InetAddress.ofLiteral("192.0.2.2"),
                ReversePath.of(Mailbox.of("bob", "pass.spf.test")), "helo.spf.test");
        assertThat(mailFrom.kind()).isEqualTo(SpfResult.Kind.FAIL);
    }

    @Test
    void resolverAnswersPtr() {
        assertThat(resolver.ptr(InetAddress.ofLiteral("192.0.2.30")))
                .isEqualTo(new Lookup.Found<>(List.of("host.ptr.spf.test"), Duration.ofSeconds(300)));
        assertThat(resolver.ptr(InetAddress.ofLiteral("192.0.2.99"))).isInstanceOf(Lookup.NxDomain.class);
    }
}
