package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.delivery.RemoteSettings;
import dev.tern.delivery.route.IpPreference;
import dev.tern.delivery.route.RouteTarget;
import dev.tern.mail.Domain;
import dev.tern.smtp.client.ClientAuth;
import dev.tern.smtp.client.TlsPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The outbound keys under {@code delivery} and {@code dns} reach {@link RemoteSettings} (issue 7). */
class OutboundSchemaTest {
    @TempDir
    Path dir;

    private static TernConfig loaded(String yaml) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).as(result.toString()).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config();
    }

    @Test
    void everyKeyReachesTheSettings() throws Exception {
        Path password = Files.writeString(dir.resolve("relay-password"), "tern@example.com:s3cret\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        RemoteSettings remote = loaded("""
                hostname: mx.example.com
                delivery:
                  remote_port: 2525
                  helo_name: out.example.com
                  tls: required
                  ip_preference: ipv4
                  delay_warning: 0
                  relay_host: "[smtp.example.net]:587"
                  relay_password_file: %s
                  routes:
                    example.net: "[192.0.2.7]:25"
                    example.org: "mx.example.org"
                dns:
                  servers: ["127.0.0.1:5353", "[::1]:53"]
                """.formatted(password)).remote();
        assertThat(remote.port()).isEqualTo(2525);
        assertThat(remote.heloName()).isEqualTo(Domain.parse("out.example.com"));
        assertThat(remote.tls()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(remote.ipPreference()).isEqualTo(IpPreference.IPV4);
        assertThat(remote.relayHost()).contains(RouteTarget.parse("[smtp.example.net]:587"));
        assertThat(remote.relayAuth()).isEqualTo(ClientAuth.plain("tern@example.com", "s3cret"));
        assertThat(remote.routes()).isEqualTo(Map.of(Domain.parse("example.net"), RouteTarget.parse("[192.0.2.7]:25"),
                Domain.parse("example.org"), RouteTarget.parse("mx.example.org")));
        assertThat(remote.dns().servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353),
                new InetSocketAddress("::1", 53));
        assertThat(loaded("delivery: {delay_warning: 0}").delivery().delayWarning()).isZero();
    }

    @Test
    void theHeloNameIsTheHostnameByDefault() {
        RemoteSettings remote = loaded("hostname: mx.example.com").remote();
        assertThat(remote.heloName()).isEqualTo(Domain.parse("mx.example.com"));
        assertThat(remote.port()).isEqualTo(25);
        assertThat(remote.relayHost()).isEqualTo(Optional.empty());
        assertThat(loaded("").delivery().delayWarning()).isEqualTo(Duration.ofHours(4));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            delivery: {remote_port: 0}                       | delivery.remote_port
            delivery: {remote_port: 70000}                   | delivery.remote_port
            delivery: {tls: sometimes}                       | delivery.tls
            delivery: {ip_preference: ipv5}                  | delivery.ip_preference
            delivery: {relay_host: "[unclosed:25"}           | delivery.relay_host
            delivery: {relay_password_file: /nonexistent}    | delivery.relay_password_file
            delivery: {routes: {"bad domain": "[192.0.2.7]"}} | delivery.routes.bad domain
            delivery: {tls_policies: {partner.example: maybe}} | delivery.tls_policies.partner.example
            delivery: {source_address: not-an-ip}            | delivery.source_address
            dns: {servers: [dns.example.com]}                | dns.servers[0]
            dns: {color: blue}                               | dns.color
            """)
    void aBadValueIsReportedUnderItsKey(String yaml, String key) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors()).extracting(ConfigError::key).contains(key);
    }

    @Test
    void aPasswordFileOthersCanReadIsRefused() throws Exception {
        Path password = Files.writeString(dir.resolve("open"), "u:p\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigResult result = ConfigLoader.parse("""
                delivery:
                  relay_host: "[smtp.example.net]:587"
                  relay_password_file: %s
                """.formatted(password));
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors().toString()).contains("delivery.relay_password_file")
                .contains("chmod 600").doesNotContain("u:p");
        assertThat(List.of(Files.readString(password))).isNotEmpty();
    }
}
