package dev.tern.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileDescriptorBudgetTest {
    @ParameterizedTest(name = "limit {0}, open {1}, configured {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # the issue's case: the default max_connections equals the descriptor limit, so it must come down
        20000   | 60  | 20000 | 17440
        # a large limit leaves the configured number as it is
        1048576 | 60  | 20000 | 20000
        # a small limit keeps at least the fixed reserve
        256     | 40  | 20000 | 88
        1024    | 60  | 20000 | 836
        # configured below the budget: the configured number
        20000   | 60  | 100   | 100
        # no room at all: one session at a time rather than none
        100     | 90  | 20000 | 1
        """)
    void derivesTheSessionLimitFromTheDescriptorLimit(long max, long open, int configured, int expected) {
        assertThat(new FileDescriptorBudget(max, open).connections(configured)).isEqualTo(expected);
    }

    @Test
    void thisProcessHasABudgetOnUnix() {
        assertThat(FileDescriptorBudget.ofThisProcess()).hasValueSatisfying(budget -> {
            assertThat(budget.maxDescriptors()).isPositive();
            assertThat(budget.openDescriptors()).isPositive().isLessThan(budget.maxDescriptors());
        });
    }
}
