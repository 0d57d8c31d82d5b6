package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sequence sets (RFC 9051 §9 sequence-set, RFC 5182 "$"): parsing, normal form, membership. */
class SequenceSetTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # text          | normal form | contains 1..10 when * is 10
        1               | 1           | 1
        1:*             | 1:*         | 1,2,3,4,5,6,7,8,9,10
        *               | *           | 10
        5:3             | 3:5         | 3,4,5
        *:8             | 8:*         | 8,9,10
        1,3:4,9:*       | 1,3:4,9:*   | 1,3,4,9,10
        4294967295      | 4294967295  | {none}
        """)
    void parsesAndContains(String text, String normal, String members) {
        SequenceSet set = SequenceSet.parse(text.strip()).orElseThrow();
        assertThat(set.toString()).isEqualTo(normal.strip());
        StringBuilder in = new StringBuilder();
        for (long n = 1; n <= 10; n++) if (set.contains(n, 10)) in.append(in.isEmpty() ? "" : ",").append(n);
        assertThat(in.isEmpty() ? "{none}" : in.toString()).isEqualTo(members.strip());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
        0
        0:5
        01
        4294967296
        1:
        :1
        '1,,2'
        1;2
        $1
        """)
    void rejects(String text) {
        assertThat(SequenceSet.parse(text.strip())).isEmpty();
    }
}
