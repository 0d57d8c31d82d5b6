package dev.tern.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.sts.StsPolicy;
import dev.tern.delivery.sts.StsRecord;
import dev.tern.delivery.tlsrpt.TlsReportPolicy;
import dev.tern.mailauth.dmarc.DmarcRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern dns}: the records it prints are the ones docs/trust.md shows, and each parses as its RFC says. */
class DnsCommandTest {
    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();

    private int tern(String... args) {
        out = new StringWriter();
        return Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args);
    }

    private String txt(String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\. IN TXT \"(.*)\"$").matcher(out.toString());
        assertThat(m.find()).as("a TXT record at %s in%n%s", name, out).isTrue();
        return m.group(1);
    }

    @Test
    void printsEveryRecordAndEachOneParses() {
        String data = dir.resolve("data").toString();
        assertThat(tern("dkim", "keygen", "example.com", "--selector", "s1", "--data", data)).isZero();
        assertThat(tern("dns", "example.com", "--mx", "mx.example.com", "--data", data)).isZero();
        String printed = out.toString();
        assertThat(printed).contains("example.com. IN MX 10 mx.example.com.",
                "s1-ed25519._domainkey.example.com. IN TXT \"v=DKIM1; k=ed25519; p=", "s1-rsa._domainkey.example.com.");
        assertThat(txt("example.com")).isEqualTo("v=spf1 mx -all");
        assertThat(DmarcRecord.parse(txt("_dmarc.example.com"))).isInstanceOf(DmarcRecord.Parsed.Valid.class);
        assertThat(StsRecord.parse(txt("_mta-sts.example.com"))).isPresent();
        assertThat(TlsReportPolicy.parse(txt("_smtp._tls.example.com"))).isInstanceOf(TlsReportPolicy.Parsed.Valid.class);
        String policy = printed.lines().filter(l -> l.startsWith(";   ")).map(l -> l.substring(4))
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(StsPolicy.parse(policy)).isInstanceOf(StsPolicy.Parsed.Valid.class);
        assertThat(policy).contains("mx: mx.example.com", "mode: testing");
    }

    @Test
    void withoutKeysItSaysHowToMakeThemAndABadNameIsRefused() {
        String data = dir.resolve("data").toString();
        assertThat(tern("dns", "example.org", "--mx", "mx.example.org", "--data", data)).isZero();
        assertThat(out.toString()).contains("tern dkim keygen example.org");
        assertThat(tern("dns", "[192.0.2.1]", "--mx", "mx.example.org", "--data", data)).isEqualTo(2);
    }

    @Test
    void printsTheRecordsMailProgramsUseToConfigureThemselves() {
        assertThat(tern("dns", "example.com", "--mx", "mx.example.com", "--data", dir.resolve("data").toString())).isZero();
        java.util.List<String> lines = out.toString().lines().toList();
        String[][] table = {
                {"autoconfig.example.com.", "IN CNAME mx.example.com."},
                {"autodiscover.example.com.", "IN CNAME mx.example.com."},
                {"_submissions._tcp.example.com.", "IN SRV 0 1 465 mx.example.com."},
                {"_submission._tcp.example.com.", "IN SRV 10 1 587 mx.example.com."},
                {"_imaps._tcp.example.com.", "IN SRV 0 1 993 mx.example.com."},
                {"_imap._tcp.example.com.", "IN SRV 10 1 143 mx.example.com."},
                {"_pop3s._tcp.example.com.", "IN SRV 0 1 995 mx.example.com."},
                {"_pop3._tcp.example.com.", "IN SRV 10 1 110 mx.example.com."},
                {"_autodiscover._tcp.example.com.", "IN SRV 0 1 443 mx.example.com."},
        };
        for (String[] row : table) {
            assertThat(lines).as("the record at %s", row[0]).containsOnlyOnce(row[0] + " " + row[1]);
        }
    }
}
