package dev.tern.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DmarcRecordTest {
    // RFC 7489 §6.3, §6.4, §6.6.3 step 6; RFC 9091 np. Described as p/sp/np/adkim/aspf/pct/rua-count.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        v=DMARC1; p=none                                        | none/-/-/r/r/100/0
        v=DMARC1; p=reject                                      | reject/-/-/r/r/100/0
        v=DMARC1;p=quarantine;sp=reject;np=reject               | quarantine/reject/reject/r/r/100/0
        v=DMARC1; p=Reject; adkim=s; aspf=s; pct=20             | reject/-/-/s/s/20/0
        v=DMARC1; p=reject; pct=0                               | reject/-/-/r/r/0/0
        v=DMARC1; p=reject; rua=mailto:d@example.com,mailto:e@example.com!10m | reject/-/-/r/r/100/2
        v=DMARC1; p=reject; future=tag; fo=1                    | reject/-/-/r/r/100/0
        ' v = DMARC1 ; p = reject ; '                           | reject/-/-/r/r/100/0
        # bad optional values fall back to defaults
        v=DMARC1; p=reject; pct=150                             | reject/-/-/r/r/100/0
        v=DMARC1; p=reject; pct=-1                              | reject/-/-/r/r/100/0
        v=DMARC1; p=reject; adkim=x; aspf=                      | reject/-/-/r/r/100/0
        v=DMARC1; p=reject; np=bogus                            | reject/-/-/r/r/100/0
        # a bad p (or sp): p=none with a usable rua, else no policy
        v=DMARC1; p=bogus; rua=mailto:d@example.com             | none/-/-/r/r/100/1
        v=DMARC1; rua=mailto:d@example.com                      | none/-/-/r/r/100/1
        v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com  | none/-/-/r/r/100/1
        v=DMARC1; p=bogus                                       | invalid
        v=DMARC1                                                | invalid
        v=DMARC1; p=reject; sp=bogus                            | invalid
        v=DMARC1; p=bogus; rua=not a uri                        | invalid
        v=DMARC1; p=reject; junk                                | invalid
        # not DMARC records
        p=reject; v=DMARC1                                      | invalid
        v=DMARC2; p=reject                                      | invalid
        v=spf1 -all                                             | invalid
        """)
    void parses(String txt, String expected) {
        String actual = switch (DmarcRecord.parse(txt)) {
            case DmarcRecord.Parsed.Invalid invalid -> "invalid";
            case DmarcRecord.Parsed.Valid valid -> {
                DmarcRecord r = valid.record();
                yield r.policy().token() + "/" + r.subdomainPolicy().map(DmarcRecord.Policy::token).orElse("-") + "/"
                        + r.nonexistentPolicy().map(DmarcRecord.Policy::token).orElse("-") + "/"
                        + r.dkimAlignment().token() + "/" + r.spfAlignment().token() + "/" + r.percent() + "/"
                        + r.rua().size();
            }
        };
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void policyFallsBackFromNpToSpToP() {
        DmarcRecord onlyP = valid("v=DMARC1; p=reject");
        assertThat(onlyP.policyFor(DmarcResult.PolicySource.SP)).isEqualTo(DmarcRecord.Policy.REJECT);
        assertThat(onlyP.policyFor(DmarcResult.PolicySource.NP)).isEqualTo(DmarcRecord.Policy.REJECT);
        DmarcRecord withSp = valid("v=DMARC1; p=reject; sp=quarantine");
        assertThat(withSp.policyFor(DmarcResult.PolicySource.NP)).isEqualTo(DmarcRecord.Policy.QUARANTINE);
        DmarcRecord all = valid("v=DMARC1; p=none; sp=quarantine; np=reject; ri=3600; fo=1:d");
        assertThat(all.policyFor(DmarcResult.PolicySource.NP)).isEqualTo(DmarcRecord.Policy.REJECT);
        assertThat(all.reportInterval()).isEqualTo(3600);
        assertThat(all.failureOptions()).isEqualTo("1:d");
    }

    private static DmarcRecord valid(String txt) {
        return ((DmarcRecord.Parsed.Valid) DmarcRecord.parse(txt)).record();
    }
}
