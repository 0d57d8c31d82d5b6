package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readers' keys: imap, imaps, pop3, pop3s, and plaintext login following auth.plaintext_on_loopback. */
class ReaderSchemaTest {
    @Test
    void readsTheListenersAndLimitsAndFollowsThePlaintextOption() {
        ConfigResult result = ConfigLoader.parse("""
                auth: {plaintext_on_loopback: true}
                imap: {listen: ["127.0.0.1:1143"], max_sessions_per_user: 5, max_connections: 300}
                imaps: {listen: []}
                pop3: {listen: ["127.0.0.1:1110"], max_connections: 40}
                pop3s: {listen: ["127.0.0.1:1995"]}
                """);
        TernConfig config = ((ConfigResult.Loaded) result).config();
        assertThat(config.imap().listen()).containsExactly(new InetSocketAddress("127.0.0.1", 1143));
        assertThat(config.imap().listenTls()).isEmpty();
        assertThat(config.imap().maxPerUser()).isEqualTo(5);
        assertThat(config.imap().maxConnections()).isEqualTo(300);
        assertThat(config.imap().plaintextOnLoopback()).isTrue();
        assertThat(config.pop3().listen()).containsExactly(new InetSocketAddress("127.0.0.1", 1110));
        assertThat(config.pop3().listenTls()).containsExactly(new InetSocketAddress("127.0.0.1", 1995));
        assertThat(config.pop3().maxConnections()).isEqualTo(40);
        assertThat(config.pop3().plaintextOnLoopback()).isTrue();
    }

    @Test
    void withoutAConfigThePlaintextLoginIsOffAndTheDevelopmentPortsAreUsed() {
        TernConfig config = ((ConfigResult.Loaded) ConfigLoader.parse("")).config();
        assertThat(config.imap().plaintextOnLoopback()).isFalse();
        assertThat(config.pop3().plaintextOnLoopback()).isFalse();
        assertThat(config.imap().listen()).containsExactly(new InetSocketAddress("127.0.0.1", 2143));
        assertThat(config.pop3().listenTls()).containsExactly(new InetSocketAddress("127.0.0.1", 2995));
    }

    @Test
    void anAddressTakenByAnotherListenerIsOneErrorUnderImapListen() {
        ConfigResult result = ConfigLoader.parse("""
                smtp: {listen: ["127.0.0.1:2525"]}
                imap: {listen: ["127.0.0.1:2525"]}
                """);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        List<ConfigError> errors = ((ConfigResult.Invalid) result).errors();
        assertThat(errors).containsExactly(new ConfigError("imap.listen", "an address is used by more than one listener"));
    }

    @Test
    void unknownKeysAndBadValuesAreReportedUnderTheirKey() {
        ConfigResult result = ConfigLoader.parse("""
                imap: {max_sessions_per_user: 0, colour: blue}
                """);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors()).extracting(ConfigError::key)
                .containsExactlyInAnyOrder("imap.max_sessions_per_user", "imap.colour");
    }
}
