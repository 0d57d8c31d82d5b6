package dev.tern.spool;

import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static dev.tern.spool.Fixtures.readContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.QueueId;
import dev.tern.spool.FaultyChannel.Fault;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A commit that fails leaves no trace, not even after a restart. After a full disk the next commit works;
 * after a failed flush the log refuses work until a restart, since the kernel may have dropped dirty pages
 * it could not write (the fsync failure semantics PostgreSQL learned about in 2018).
 */
class DiskFaultTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, content {1} bytes, memory limit {2}")
    @CsvSource(delimiter = '|', textBlock = """
        NO_SPACE    | 500    | 2097152
        NO_SPACE    | 50000  | 1024
        FLUSH_FAILS | 500    | 2097152
        FLUSH_FAILS | 50000  | 1024
        """)
    void failedCommitLeavesNothing(Fault fault, int size, int memoryBytes) throws IOException {
        var control = new FaultyChannel.Switch();
        var settings = new SpoolSettings(true, SpoolSettings.DEFAULT_SEGMENT_BYTES, memoryBytes);
        QueueId before;
        QueueId after;
        try (Spool spool = Spool.open(dir, settings, channel -> new FaultyChannel(channel, control))) {
            before = commit(spool, envelope(1), content("before", size));
            control.fault = fault;
            try (MessageWriter writer = spool.begin()) {
                writer.write(content("lost", size), 0, size);
                var thrown = assertThatThrownBy(() -> writer.commit(envelope(2))).isInstanceOf(IOException.class);
                if (fault == Fault.NO_SPACE) thrown.isInstanceOf(SpoolFullException.class);
                else thrown.isNotInstanceOf(SpoolFullException.class);
            }
            control.fault = Fault.NONE;
            assertThat(spool.pending()).containsExactly(before);
            if (fault == Fault.FLUSH_FAILS) {
                assertThatThrownBy(() -> commit(spool, envelope(1), content("refused", size)))
                        .hasMessageContaining("restart");
            }
        }
        try (Spool spool = Spool.open(dir, settings)) {
            assertThat(spool.pending()).containsExactly(before);
            after = commit(spool, envelope(1), content("after", size));
        }
        try (Spool spool = Spool.open(dir, settings)) {
            assertThat(spool.pending()).containsExactly(before, after);
            assertThat(readContent(spool, before)).isEqualTo(content("before", size));
            assertThat(readContent(spool, after)).isEqualTo(content("after", size));
        }
    }
}
