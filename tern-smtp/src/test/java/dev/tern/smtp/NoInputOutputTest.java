package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.PureSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE: tern-smtp does no I/O, so server and client can share it and tests need no network; nor does
 * tern-sasl, whose exchanges SMTP, IMAP and POP3 share (its sources are scanned from here, beside its tests).
 */
class NoInputOutputTest {
    @Test
    void mainSourcesDoNoInputOutputThreadsClocksOrLogging() {
        assertThat(PureSources.offences(Path.of("src/main/java/dev/tern/smtp"))).isEmpty();
        assertThat(PureSources.offences(Path.of("../tern-sasl/src/main/java/dev/tern/sasl"))).isEmpty();
    }

    @Test
    void theScanFindsWhatItLooksFor() {
        assertThat(PureSources.offends("import java.net.Socket;")).isEqualTo(1);
        assertThat(PureSources.offends("Thread.sleep(10);")).isEqualTo(1);
        assertThat(PureSources.offends("private static final System.Logger LOG;")).isEqualTo(1);
        assertThat(PureSources.offends("import org.slf4j.Logger;")).isEqualTo(1);
        assertThat(PureSources.offends("var t = Instant.now();")).isEqualTo(1);
        assertThat(PureSources.offends("// import java.net.Socket; in a comment")).isZero();
    }
}
