package dev.tern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.PureSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ARCHITECTURE: the POP3 session does no I/O of its own, uses no threads, clocks or logging. */
class NoInputOutputTest {
    @Test
    void mainSourcesArePure() {
        assertThat(PureSources.offences(Path.of("src/main/java/dev/tern/pop3"))).isEmpty();
    }
}
