package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.auth.AuthThrottle;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code auth.*} login failure limits reach {@code AuthSettings} (issue 6: they never did). */
class AuthSchemaTest {
    private static TernConfig loaded(ConfigResult result) {
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config();
    }

    @Test
    void everyKeyReachesThePolicy() {
        TernConfig config = loaded(ConfigLoader.parse("""
                auth:
                  plaintext_on_loopback: true
                  failure_window: 1h
                  free_failures: 0
                  first_delay: 500ms
                  max_delay: 30s
                  max_failures_per_ip: 20
                  max_failures_per_user: 3
                  max_tracked: 50000
                """));

        assertThat(config.auth().throttle()).isEqualTo(new AuthThrottle.Policy(Duration.ofHours(1), 0,
                Duration.ofMillis(500), Duration.ofSeconds(30), 20, 3, 50_000));
        assertThat(config.server().plaintextAuthOnLoopback()).isTrue();
    }

    @Test
    void absentKeysKeepTheDefaults() {
        assertThat(loaded(ConfigLoader.parse("{auth: {max_failures_per_user: 8}}")).auth().throttle())
                .isEqualTo(new AuthThrottle.Policy(Duration.ofMinutes(10), 3, Duration.ofSeconds(1),
                        Duration.ofSeconds(8), 10, 8, 10_000));
        assertThat(loaded(ConfigLoader.parse("")).auth()).isEqualTo(TernConfig.defaults().auth());
    }

    @Test
    void exampleFileStatesTheDefaultLimits() {
        TernConfig config = loaded(ConfigLoader.load(Path.of("../config/tern.example.yaml")));

        assertThat(config.auth()).isEqualTo(TernConfig.defaults().auth());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        {auth: {failure_window: 0s}}                          | auth.failure_window        | longer than zero
        {auth: {failure_window: 10}}                          | auth.failure_window        | expected a duration
        {auth: {free_failures: -1}}                           | auth.free_failures         | at least 0
        {auth: {first_delay: soon}}                           | auth.first_delay           | expected a duration
        {auth: {first_delay: 10s, max_delay: 5s}}             | auth.max_delay             | at least auth.first_delay
        {auth: {max_failures_per_ip: 0}}                      | auth.max_failures_per_ip   | at least 1
        {auth: {max_failures_per_user: '5'}}                  | auth.max_failures_per_user | expected a number
        {auth: {max_tracked: 0}}                              | auth.max_tracked           | at least 1
        {auth: {max_failures: 5}}                             | auth.max_failures          | unknown key
        """)
    void refusesBadValuesUnderTheirKey(String yaml, String key, String reason) {
        ConfigResult result = ConfigLoader.parse(yaml);

        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.reason()).contains(reason);
        });
    }
}
