package dev.tern.app.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueTextTest {
    private static final String NL = System.lineSeparator();

    @ParameterizedTest
    @CsvSource(textBlock = """
            PT0S, 0s
            PT59S, 59s
            PT1M, 1m
            PT59M59S, 59m
            PT1H, 1h00m
            PT3H5M, 3h05m
            P1D, 1d00h
            P2DT4H30M, 2d04h
            -PT5S, 0s
            """)
    void agesAreShort(Duration age, String text) {
        assertThat(QueueText.age(age)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # mailq's closing line: kilobytes rounded up, "Request" singular for one
            0 | 0        | Mail queue is empty
            1 | 1        | -- 1 Kbytes in 1 Request.
            2 | 1024     | -- 1 Kbytes in 2 Requests.
            2 | 1025     | -- 2 Kbytes in 2 Requests.
            """)
    void listFooterIsMailqs(long messages, long bytes, String line) {
        assertThat(QueueText.listFooter(messages, bytes)).isEqualTo(line + NL);
    }

    @Test
    void listEntryShowsIdSizeAgeSenderAndEachRecipient() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        QueueEntry entry = QueueShapeTest.entry("MF3K2J9QX000A7ZQ", Duration.ofMinutes(12),
                QueueShapeTest.pending("bob@remote.example"), QueueShapeTest.done("alice@localhost"));
        var json = (JsonValue.Obj) Json.parse(ControlJson.entry(entry, false)).orElseThrow();
        assertThat(QueueText.listEntry(json, now)).isEqualTo(
                "MF3K2J9QX000A7ZQ      1000     12m  sender@client.test" + NL
                + " ".repeat(36) + "bob@remote.example  pending" + NL
                + " ".repeat(36) + "  (4.4.0 not yet)" + NL
                + " ".repeat(36) + "alice@localhost  delivered" + NL + NL);
    }
}
