package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.spool.SpoolSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code spool} section: the free-space reserve (docs/config.md). */
class SpoolConfigTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {}                          | 134217728
        {spool: {min_free: 0}}      | 0
        {spool: {min_free: 512MiB}} | 536870912
        {spool: {min_free: 1GiB}}   | 1073741824
        """)
    void readsTheReserve(String yaml, long bytes) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        SpoolSettings spool = ((ConfigResult.Loaded) result).config().spool();
        assertThat(spool.minFreeBytes()).isEqualTo(bytes);
        assertThat(spool.fsync()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {spool: {min_free: 100MB}}  | spool.min_free | expected a size
        {spool: {min_free: -1}}     | spool.min_free | expected a size
        {spool: {segment: 1MiB}}    | spool.segment  | unknown key
        {spool: 5}                  | spool          | expected a mapping
        """)
    void rejectsMistakeUnderItsKey(String yaml, String key, String reason) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors()).anySatisfy(e -> {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.reason()).contains(reason);
        });
    }
}
