package dev.tern.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Under systemd the log lines leave the timestamp to journald. */
class JournalLogsTest {
    private static final String KEY = "org.slf4j.simpleLogger.showDateTime";

    @Test
    void journalStreamTurnsTimestampsOffAndItsAbsenceLeavesThemAlone() {
        String before = System.getProperty(KEY);
        try {
            System.clearProperty(KEY);
            Main.journalFriendlyLogs(null);
            assertThat(System.getProperty(KEY)).isNull();
            Main.journalFriendlyLogs("");
            assertThat(System.getProperty(KEY)).isNull();
            Main.journalFriendlyLogs("8:12345");
            assertThat(System.getProperty(KEY)).isEqualTo("false");
        } finally {
            if (before == null) System.clearProperty(KEY);
            else System.setProperty(KEY, before);
        }
    }
}
