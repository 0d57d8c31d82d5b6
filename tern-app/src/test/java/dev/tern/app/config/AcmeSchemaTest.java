package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.AcmeSettings;
import dev.tern.app.TernConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keys of {@code tls.acme.*} (docs/acme.md). */
class AcmeSchemaTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # RFC 8555 §6.1: the directory is an https URL
        {tls: {acme: {directory: 'http://ca.example/directory'}}}   | tls.acme.directory    | https://
        {tls: {acme: {directory: 'not a url'}}}                     | tls.acme.directory    | expected
        {tls: {acme: {directory: [a]}}}                             | tls.acme.directory    | expected a string
        # RFC 8555 §7.3: contacts are mailto: addresses
        {tls: {acme: {contact: [not-an-address]}}}                  | tls.acme.contact[0]   | expected an address
        {tls: {acme: {contact: ['mailto:']}}}                       | tls.acme.contact[0]   | expected an address
        {tls: {acme: {domains: ['no spaces.example']}}}             | tls.acme.domains[0]   | ""
        {tls: {acme: {challenge: tls-alpn-01}}}                     | tls.acme.challenge    | only http-01
        {tls: {acme: {challenge: http}}}                            | tls.acme.challenge    | expected http-01
        {tls: {acme: {renew_before: 0s}}}                           | tls.acme.renew_before | longer than zero
        {tls: {acme: {renew_before: 30}}}                           | tls.acme.renew_before | expected a duration
        {tls: {acme: {check_interval: soon}}}                       | tls.acme.check_interval | expected a duration
        {tls: {acme: {retry: 0ms}}}                                 | tls.acme.retry        | longer than zero
        {tls: {acme: {http_listen: '80'}}}                          | tls.acme.http_listen  | expected address:port
        {tls: {acme: {domain: mail.example.com}}}                   | tls.acme.domain       | unknown key
        {tls: {acme: [directory]}}                                  | tls.acme              | expected a mapping
        """)
    void rejectsMistakeUnderItsKey(String yaml, String key, String reason) {
        ConfigResult result = ConfigLoader.parse(yaml);

        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors()).anySatisfy(e -> {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.reason()).contains(reason);
        });
    }

    @Test
    void readsEveryKey() {
        TernConfig config = loaded("""
                hostname: mail.example.com
                tls:
                  acme:
                    directory: https://acme-staging-v02.api.letsencrypt.org/directory
                    contact: [mailto:postmaster@example.com, hostmaster@example.com]
                    domains: [Mail.Example.com, mx.example.com]
                    renew_before: 20d
                    challenge: http-01
                    http_listen: "127.0.0.1:8080"
                    check_interval: 1h
                    retry: 30s
                    trust: /etc/tern/ca.pem
                """);
        AcmeSettings acme = config.acme();

        assertThat(acme.enabled()).isTrue();
        assertThat(acme.directory()).contains(URI.create("https://acme-staging-v02.api.letsencrypt.org/directory"));
        assertThat(acme.contacts()).containsExactly("mailto:postmaster@example.com", "mailto:hostmaster@example.com");
        assertThat(acme.domainsOr("mail.example.com")).containsExactly("mail.example.com", "mx.example.com");
        assertThat(acme.renewBefore()).isEqualTo(Duration.ofDays(20));
        assertThat(acme.challenge()).isEqualTo(AcmeSettings.Challenge.HTTP_01);
        assertThat(acme.httpListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(acme.checkInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(acme.retry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(acme.trust()).contains(Path.of("/etc/tern/ca.pem"));
    }

    @Test
    void defaultsCertifyTheHostNameOverHttp01OnPort80() {
        TernConfig config = loaded("""
                hostname: mail.example.com
                tls: {acme: {directory: "https://acme-v02.api.letsencrypt.org/directory"}}
                """);
        AcmeSettings acme = config.acme();

        assertThat(acme.domainsOr(config.session().hostname())).isEqualTo(List.of("mail.example.com"));
        assertThat(acme.renewBefore()).isEqualTo(Duration.ofDays(30));
        assertThat(acme.httpListen()).isEqualTo(new InetSocketAddress("0.0.0.0", 80));
        assertThat(acme.checkInterval()).isEqualTo(Duration.ofHours(12));
        assertThat(acme.contacts()).isEmpty();
    }

    @Test
    void offWithoutDirectory() {
        assertThat(loaded("tls: {acme: {contact: [postmaster@example.com]}}").acme().enabled()).isFalse();
        assertThat(loaded("{}").acme()).isEqualTo(AcmeSettings.off());
    }

    @Test
    void exampleFileHasAcmeOffWithTheBuiltInDefaults() {
        TernConfig config = ((ConfigResult.Loaded) ConfigLoader.load(Path.of("../config/tern.example.yaml"))).config();

        assertThat(config.acme()).isEqualTo(AcmeSettings.off());
    }

    private static TernConfig loaded(String yaml) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config();
    }
}
