package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.PureSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ARCHITECTURE: the IMAP engine is pure like the SMTP one: no I/O, threads, clocks or logging. */
class NoInputOutputTest {
    @Test
    void mainSourcesDoNoInputOutputThreadsClocksOrLogging() {
        assertThat(PureSources.offences(Path.of("src/main/java/dev/tern/imap"))).isEmpty();
    }
}
