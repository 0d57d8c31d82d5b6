package dev.tern.delivery.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.tlsrpt.TlsReportPolicy.Destination;
import dev.tern.delivery.tlsrpt.TlsReportPolicy.Discovery;
import dev.tern.delivery.tlsrpt.TlsReportPolicy.Parsed;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code _smtp._tls} TXT record (RFC 8460 §3), one row per case. */
class TlsReportPolicyTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 8460 §3.1 examples
        v=TLSRPTv1;rua=mailto:reports@example.com                                   | mail:reports@example.com
        v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt                     | https:https://reporting.example.com/v1/tlsrpt
        # several URIs, comma-separated, with WSP around the commas and delimiters
        v=TLSRPTv1; rua=mailto:a@b.example,https://r.example/x                      | mail:a@b.example https:https://r.example/x
        v=TLSRPTv1 ; rua=mailto:a@b.example , mailto:c@d.example ;                  | mail:a@b.example mail:c@d.example
        # two rua fields join; a repeated URI counts once
        v=TLSRPTv1;rua=mailto:a@b.example;rua=mailto:c@d.example,mailto:a@b.example | mail:a@b.example mail:c@d.example
        # percent-encoding in mailto (RFC 6068), hfields ignored, the scheme's case
        v=TLSRPTv1;rua=mailto:tls%2Brpt@b.example?subject=x                         | mail:tls+rpt@b.example
        v=TLSRPTv1;rua=MAILTO:a@b.example                                           | mail:a@b.example
        # unknown extension fields are ignored; other schemes skipped
        v=TLSRPTv1;rua=mailto:a@b.example;ext_1=yes                                 | mail:a@b.example
        v=TLSRPTv1;rua=http://r.example/x,mailto:a@b.example                        | mail:a@b.example
        # invalid
        v=TLSRPTv1;rua=http://r.example/x                                           | invalid:no mailto or https rua
        v=TLSRPTv1;                                                                 | invalid:empty field
        v=TLSRPTv1;ext=1                                                            | invalid:no rua
        v=TLSRPTv1;;rua=mailto:a@b.example                                          | invalid:empty field
        v=TLSRPTv1;rua=mailto:a@b.example;;                                         | invalid:empty field
        v=TLSRPTv1;rua                                                              | invalid:field without a value
        v=TLSRPTv1;rua=mailto:a@b.example;bad ext=1                                 | invalid:malformed field bad ext
        v=TLSRPTv1;rua=mailto:a@b.example!10m                                       | invalid:malformed rua URI
        v=TLSRPTv1;rua=mailto:nobody                                                | invalid:malformed mailto rua
        v=TLSRPTv1;rua=reports@example.com                                          | invalid:rua URI without a scheme
        v=TLSRPTv1;rua=https:///nohost                                              | invalid:malformed https rua
        v=TLSRPTv1;rua=mailto:a@b.example,                                          | invalid:malformed rua URI
        v=tlsrptv1;rua=mailto:a@b.example                                           | invalid:does not start with v=TLSRPTv1;
        v=TLSRPTv10;rua=mailto:a@b.example                                          | invalid:does not start with v=TLSRPTv1;
        v=DMARC1; p=none                                                            | invalid:does not start with v=TLSRPTv1;
        """)
    void parsesTheRecord(String record, String expected) {
        assertThat(describe(TlsReportPolicy.parse(record))).isEqualTo(expected);
    }

    @Test
    void exactlyOneVersionedRecordMustRemain() {
        // RFC 8460 §3: records not beginning with v=TLSRPTv1; are discarded; not exactly one left means none.
        assertThat(TlsReportPolicy.select(List.of("v=spf1 -all", "v=TLSRPTv1;rua=mailto:a@b.example")))
                .isInstanceOf(Discovery.Published.class);
        assertThat(TlsReportPolicy.select(List.of("v=TLSRPTv1;rua=mailto:a@b.example",
                "v=TLSRPTv1;rua=mailto:c@d.example"))).isEqualTo(new Discovery.None("2 TLSRPTv1 records"));
        assertThat(TlsReportPolicy.select(List.of("v=spf1 -all"))).isEqualTo(new Discovery.None("0 TLSRPTv1 records"));
        assertThat(TlsReportPolicy.select(List.of("v=TLSRPTv1;rua=ftp://x.example/")))
                .isEqualTo(new Discovery.None("no mailto or https rua"));
    }

    @Test
    void atMostTenDestinationsAreUsed() {
        String uris = java.util.stream.IntStream.range(0, 15).mapToObj(i -> "mailto:r" + i + "@b.example")
                .collect(Collectors.joining(","));
        Parsed parsed = TlsReportPolicy.parse("v=TLSRPTv1;rua=" + uris);
        assertThat(((Parsed.Valid) parsed).policy().destinations()).hasSize(TlsReportPolicy.MAX_DESTINATIONS);
    }

    private static String describe(Parsed parsed) {
        return switch (parsed) {
            case Parsed.Invalid invalid -> "invalid:" + invalid.reason();
            case Parsed.Valid valid -> valid.policy().destinations().stream().map(d -> switch (d) {
                case Destination.Mail mail -> "mail:" + mail.mailbox();
                case Destination.Https https -> "https:" + https.target();
            }).collect(Collectors.joining(" "));
        };
    }
}
