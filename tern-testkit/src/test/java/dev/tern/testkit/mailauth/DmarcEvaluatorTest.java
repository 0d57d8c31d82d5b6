package dev.tern.testkit.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mailauth.dmarc.DmarcEvaluator;
import dev.tern.mailauth.dmarc.DmarcResult;
import dev.tern.mailauth.dmarc.SpfIdentity;
import dev.tern.mailauth.psl.PublicSuffixList;
import dev.tern.mailauth.spf.SpfResult;
import dev.tern.testkit.TestDns;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DMARC over a real DNS server: alignment (RFC 7489 §3.1), discovery (§6.6.3) and disposition (§6.6.4, RFC 9091). */
class DmarcEvaluatorTest {
    static TestDns dns;
    static DnsjavaResolver resolver;
    static final PublicSuffixList PSL = PublicSuffixList.bundled();

    @BeforeAll
    static void zone() throws Exception {
        dns = TestDns.start();
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:agg@example.com");
        dns.txt("_dmarc.example.co.uk", "v=DMARC1; p=quarantine; sp=none");
        dns.txt("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s");
        dns.txt("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine; np=reject");
        dns.a("exists.example.org", "192.0.2.1");
        dns.mx("mxonly.example.org", 10, "mx.example.org");
        dns.txt("_dmarc.pct.example", "v=DMARC1; p=reject; pct=50");
        dns.txt("_dmarc.pctq.example", "v=DMARC1; p=quarantine; pct=50");
        dns.txt("_dmarc.pct0.example", "v=DMARC1; p=reject; pct=0");
        dns.txt("_dmarc.monitor.example", "v=DMARC1; p=none");
        dns.txt("_dmarc.multi.example", "v=DMARC1; p=reject");
        dns.txt("_dmarc.multi.example", "v=DMARC1; p=none");
        dns.txt("_dmarc.invalid.example", "v=DMARC1; p=bogus");
        dns.txt("_dmarc.invalidrua.example", "v=DMARC1; p=bogus; rua=mailto:agg@invalidrua.example");
        dns.txt("_dmarc.mixed.example", "v=spf1 -all");
        dns.txt("_dmarc.mixed.example", "v=DMARC1; p=reject");
        dns.txt("_dmarc.other.example", "some other text");
        dns.txt("_dmarc.own.example.com", "v=DMARC1; p=none"); // a subdomain with its own record
        dns.servfail("_dmarc.tempfail.example");
        dns.servfail("_dmarc.orgtemp.example");
        resolver = new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(500), 0));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static DmarcResult evaluate(String from, String spfDomain, String spfResult, String dkim, int percentile) {
        var evaluator = new DmarcEvaluator(resolver, PSL, () -> percentile);
        Optional<SpfIdentity> spf = spfDomain.equals("-") ? Optional.empty()
                : Optional.of(new SpfIdentity(spfDomain, SpfResult.Kind.valueOf(spfResult.toUpperCase())));
        List<String> dkimDomains = dkim.equals("-") ? List.of() : Arrays.asList(dkim.split(" "));
        return evaluator.evaluate(from, spf, dkimDomains);
    }

    @ParameterizedTest(name = "From {0}, SPF {1} {2}, DKIM {3}: {5} {6}")
    @CsvSource(delimiter = '|', textBlock = """
        # §3.1 relaxed alignment (the default), via the Organizational Domain
        example.com        | example.com        | pass     | -                   | 0  | pass      | none       | p
        example.com        | mail.example.com   | pass     | -                   | 0  | pass      | none       | p
        mail.example.com   | example.com        | pass     | -                   | 0  | pass      | none       | sp
        a.b.example.com    | -                  | -        | c.example.com       | 0  | pass      | none       | sp
        EXAMPLE.COM.       | -                  | -        | Example.Com         | 0  | pass      | none       | p
        example.com        | example.com        | fail     | -                   | 0  | fail      | reject     | p
        example.com        | example.com        | softfail | -                   | 0  | fail      | reject     | p
        example.com        | example.com        | neutral  | -                   | 0  | fail      | reject     | p
        example.com        | other.test         | pass     | -                   | 0  | fail      | reject     | p
        example.com        | -                  | -        | example.net         | 0  | fail      | reject     | p
        example.com        | -                  | -        | example.com.evil    | 0  | fail      | reject     | p
        example.com        | -                  | -        | -                   | 0  | fail      | reject     | p
        example.com        | other.test         | fail     | other.test example.com | 0 | pass   | none       | p
        own.example.com    | -                  | -        | -                   | 0  | fail      | none       | p
        # the PSL decides: example.co.uk is an Organizational Domain, co.uk is not
        a.example.co.uk    | -                  | -        | b.example.co.uk     | 0  | pass      | none       | sp
        example.co.uk      | other.co.uk        | pass     | -                   | 0  | fail      | quarantine | p
        example.co.uk      | -                  | -        | co.uk               | 0  | fail      | quarantine | p
        a.example.co.uk    | -                  | -        | -                   | 0  | fail      | none       | sp
        # strict alignment: the same name only
        strict.example     | strict.example     | pass     | -                   | 0  | pass      | none       | p
        strict.example     | mail.strict.example | pass    | -                   | 0  | fail      | reject     | p
        strict.example     | -                  | -        | strict.example      | 0  | pass      | none       | p
        mail.strict.example | -                 | -        | strict.example      | 0  | fail      | reject     | sp
        # sp and RFC 9091 np: a From domain without A, AAAA and MX does not exist
        exists.example.org | -                  | -        | -                   | 0  | fail      | quarantine | sp
        mxonly.example.org | -                  | -        | -                   | 0  | fail      | quarantine | sp
        ghost.example.org  | -                  | -        | -                   | 0  | fail      | reject     | np
        # §6.6.4 pct: sampled out, reject becomes quarantine and quarantine none
        pct.example        | -                  | -        | -                   | 49 | fail      | reject     | p
        pct.example        | -                  | -        | -                   | 50 | fail      | quarantine | p
        pctq.example       | -                  | -        | -                   | 49 | fail      | quarantine | p
        pctq.example       | -                  | -        | -                   | 50 | fail      | none       | p
        pct0.example       | -                  | -        | -                   | 0  | fail      | quarantine | p
        monitor.example    | -                  | -        | -                   | 0  | fail      | none       | p
        # §6.6.3 discovery: non-DMARC TXT ignored, several records or none is no policy, TempFail
        mixed.example      | -                  | -        | -                   | 0  | fail      | reject     | p
        other.example      | -                  | -        | -                   | 0  | none      | none       | -
        nodmarc.example    | -                  | -        | -                   | 0  | none      | none       | -
        multi.example      | -                  | -        | -                   | 0  | none      | none       | -
        invalid.example    | -                  | -        | -                   | 0  | permerror | none       | -
        invalidrua.example | -                  | -        | -                   | 0  | fail      | none       | p
        tempfail.example   | -                  | -        | -                   | 0  | temperror | none       | -
        sub.orgtemp.example | -                 | -        | -                   | 0  | temperror | none       | -
        """)
    void evaluates(String from, String spfDomain, String spfResult, String dkim, int percentile, String kind,
                   String disposition, String source) {
        DmarcResult result = evaluate(from, spfDomain, spfResult, dkim, percentile);
        assertThat(result.kind().token()).as(result.reason()).isEqualTo(kind);
        assertThat(result.disposition().token()).as(result.reason()).isEqualTo(disposition);
        assertThat(result.policySource().map(DmarcResult.PolicySource::token).orElse("-")).isEqualTo(source);
    }

    @Test
    void resultCarriesWhatTheHeaderAndReportsNeed() {
        DmarcResult result = evaluate("Mail.Example.COM", "-", "-", "-", 0);
        assertThat(result.fromDomain()).isEqualTo("mail.example.com");
        assertThat(result.policyDomain()).contains("example.com");
        assertThat(result.policy().map(p -> p.token())).contains("reject");
        assertThat(result.rua()).containsExactly(URI.create("mailto:agg@example.com"));
        assertThat(result.spfAligned()).isFalse();
        assertThat(result.dkimAligned()).isFalse();
        DmarcResult pass = evaluate("example.com", "example.com", "pass", "example.com", 0);
        assertThat(pass.spfAligned()).isTrue();
        assertThat(pass.dkimAligned()).isTrue();
    }

    @Test
    void samplingAsksOnlyWhenPctIsBelowHundred() {
        AtomicInteger draws = new AtomicInteger();
        var evaluator = new DmarcEvaluator(resolver, PSL, () -> {
            draws.incrementAndGet();
            return 99;
        });
        evaluator.evaluate("example.com", Optional.empty(), List.of());
        assertThat(draws).hasValue(0);
        evaluator.evaluate("pct.example", Optional.empty(), List.of());
        assertThat(draws).hasValue(1);
    }

    @Test
    void fromDomainThatIsNoDomainNameIsPermerror() {
        DmarcResult result = evaluate("a..b.example", "-", "-", "-", 0);
        assertThat(result.kind()).isEqualTo(DmarcResult.Kind.PERMERROR);
        DmarcResult longLabel = evaluate("x".repeat(64) + ".example.org", "-", "-", "-", 0);
        assertThat(longLabel.kind()).isEqualTo(DmarcResult.Kind.FAIL); // found at example.org; sp, not np
        assertThat(longLabel.policySource()).contains(DmarcResult.PolicySource.SP);
    }

    @Test
    void idnFromDomainIsAscii() {
        dns.txt("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject");
        DmarcResult result = evaluate("bücher.example", "-", "-", "xn--bcher-kva.example", 0);
        assertThat(result.kind()).isEqualTo(DmarcResult.Kind.PASS);
        assertThat(result.fromDomain()).isEqualTo("xn--bcher-kva.example");
    }
}
