package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LIST patterns (RFC 9051 §6.3.9): {@code *} matches anything, {@code %} anything but the separator. */
class NamePatternTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            *            | INBOX            | true
            *            | Archive.2024.Q1  | true
            %            | Archive          | true
            %            | Archive.2024     | false
            Archive.%    | Archive.2024     | true
            Archive.%    | Archive.2024.Q1  | false
            Archive.*    | Archive.2024.Q1  | true
            Archive*     | Archive          | true
            Archive%     | Archive.2024     | false
            %.%          | Archive.2024     | true
            *2024*       | Archive.2024.Q1  | true
            *2025*       | Archive.2024.Q1  | false
            Sent         | Sent             | true
            Sent         | Sent.Old         | false
            Sen          | Sent             | false
            S%t          | Sent             | true
            %%           | Sent             | true
            %.           | Sent.            | true
            """)
    void matches(String pattern, String name, boolean expected) {
        assertThat(new ListResponder.NamePattern(pattern).matches(name)).isEqualTo(expected);
    }

    @Test
    void manyStarsAgainstALongNameTakeNoTime() {
        String name = "a".repeat(200);
        var pattern = new ListResponder.NamePattern("*a".repeat(40) + "*b");
        long start = System.nanoTime();
        assertThat(pattern.matches(name)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
}
