package dev.tern.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaptureSearchTest {
    private static final CaptureStore.Captured INVOICE = new CaptureStore.Captured("A1", "<shop@client.test>",
            List.of("dora@example.test", "eli@example.test"), "2026-12-02T12:00:00Z", 100, "Your Invoice 42");

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # query                      | matches
                                         | true
            invoice                      | true
            INVOICE 42                   | true
            subject:invoice              | true
            subject:marmalade            | false
            from:shop                    | true
            from:dora                    | false
            to:eli                       | true
            marmalade                    | true
            "your invoice"               | true
            "invoice your"               | false
            # a phrase still being typed: the open quote runs to the end, no literal quote is looked for
            "your invo                   | true
            subject:"invoice 4           | true
            "invoice your                | false
            invoice jam                  | false
            """)
    void wordsMustAllMatchInTheirField(String query, boolean matches) {
        CaptureSearch search = CaptureSearch.parse(query == null ? "" : query);
        assertThat(search.matches(INVOICE, () -> "Thanks for the Marmalade order")).as(query).isEqualTo(matches);
    }

    @Test
    void theTextIsReadOnlyWhenTheEnvelopeAndSubjectDoNotMatch() {
        AtomicInteger reads = new AtomicInteger();
        CaptureSearch.parse("invoice dora").matches(INVOICE, () -> {
            reads.incrementAndGet();
            return "";
        });
        assertThat(reads).hasValue(0);
        CaptureSearch.parse("marmalade order").matches(INVOICE, () -> {
            reads.incrementAndGet();
            return "marmalade order";
        });
        assertThat(reads).hasValue(1);
    }

    @Test
    void parsesFieldsAndPhrases() {
        assertThat(CaptureSearch.parse("  subject:\"two words\"  From:Ann x ").terms()).containsExactly(
                new CaptureSearch.Term(CaptureSearch.Field.SUBJECT, "two words"),
                new CaptureSearch.Term(CaptureSearch.Field.FROM, "ann"),
                new CaptureSearch.Term(CaptureSearch.Field.ANY, "x"));
    }

    /** Each word is a pass over every message, and the parse copies what is left per word: the length is bounded. */
    @Test
    void aQueryLongerThanTheLimitIsRefused() {
        assertThat(CaptureSearch.parse("x ".repeat(CaptureSearch.MAX_QUERY / 2)).terms()).hasSize(CaptureSearch.MAX_QUERY / 2);
        assertThatThrownBy(() -> CaptureSearch.parse("x ".repeat(CaptureSearch.MAX_QUERY / 2) + "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q is longer than 1000 characters");
    }
}
