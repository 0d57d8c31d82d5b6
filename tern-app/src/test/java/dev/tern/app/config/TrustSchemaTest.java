package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.app.TrustSettings;
import dev.tern.milter.MilterSettings;
import dev.tern.server.auth.InboundAuthSettings.DmarcEnforcement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keys of issue 9 reach {@code TrustSettings} and {@code DnsblSettings}; a bad value is reported under its key. */
class TrustSchemaTest {
    private static TernConfig loaded(ConfigResult result) {
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config();
    }

    @Test
    void everyKeyReachesTheSettings() {
        TernConfig config = loaded(ConfigLoader.parse("""
                inbound:
                  verify: false
                  dmarc: record
                  authserv_id: mx.example.com
                  public_suffix_list: /usr/share/publicsuffix/public_suffix_list.dat
                milter:
                  filters: ["inet:127.0.0.1:11332", "unix:/run/clamav/clamav-milter.ctl"]
                  default_action: accept
                  command_timeout: 10s
                dkim:
                  sign: false
                delivery:
                  mta_sts: false
                  dane: false
                dns:
                  trust_anchor: /etc/tern/root.key
                tls_rpt:
                  enabled: false
                smtp:
                  dnsbl: [zen.spamhaus.org, "bl.example=127.0.0.2"]
                """));
        TrustSettings t = config.trust();
        assertThat(t.verify()).isFalse();
        assertThat(t.dmarc()).isEqualTo(DmarcEnforcement.RECORD);
        assertThat(t.authservId()).contains("mx.example.com");
        assertThat(t.publicSuffixList()).contains(Path.of("/usr/share/publicsuffix/public_suffix_list.dat"));
        assertThat(t.milters()).hasSize(2).allSatisfy(m -> {
            assertThat(m.defaultAction()).isEqualTo(MilterSettings.DefaultAction.ACCEPT);
            assertThat(m.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(t.dkimSign()).isFalse();
        assertThat(t.mtaSts()).isFalse();
        assertThat(t.dane()).isFalse();
        assertThat(t.trustAnchor()).contains(Path.of("/etc/tern/root.key"));
        assertThat(t.tlsRpt()).isFalse();
        assertThat(config.dnsbl().zones()).hasSize(2);
    }

    @Test
    void absentKeysKeepEverythingOn() {
        TernConfig config = loaded(ConfigLoader.parse(""));
        assertThat(config.trust()).isEqualTo(TrustSettings.defaults());
        assertThat(config.trust().authservId()).isEqualTo(Optional.empty());
        assertThat(config.dnsbl().zones()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        {inbound: {dmarc: sometimes}}                   | inbound.dmarc
        {inbound: {verify: maybe}}                      | inbound.verify
        {inbound: {colour: blue}}                       | inbound.colour
        {milter: {filters: ["tcp:1.2.3.4"]}}            | milter.filters[0]
        {milter: {default_action: reject}}              | milter.default_action
        {dkim: {sign: 3}}                               | dkim.sign
        {delivery: {mta_sts: often}}                    | delivery.mta_sts
        {tls_rpt: {enabled: yes please}}                | tls_rpt.enabled
        """)
    void aBadValueIsReportedUnderItsKey(String yaml, String key) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors()).anySatisfy(e -> assertThat(e.key()).isEqualTo(key));
    }
}
