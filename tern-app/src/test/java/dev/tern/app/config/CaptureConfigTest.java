package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code web.capture} (docs/capture.md): off by default, a boolean, a mistake named under its key. */
class CaptureConfigTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {}                          | false
        {web: {capture: false}}     | false
        {web: {capture: true}}      | true
        """)
    void readsCapture(String yaml, boolean capture) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        assertThat(((ConfigResult.Loaded) result).config().web().capture()).isEqualTo(capture);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {web: {capture: maybe}}     | web.capture
        {web: {capture: 1}}         | web.capture
        """)
    void rejectsANonBoolean(String yaml, String key) {
        ConfigResult result = ConfigLoader.parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).errors()).anySatisfy(e -> assertThat(e.key()).isEqualTo(key));
    }
}
