package dev.tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.EnhancedStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A greylisting server's named wait (RFC 6647 §4) sets the next attempt; other temporary failures back off. */
class GreylistTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            451 4.7.1 Greylisted, please try again in 300 seconds          | PT5M
            450 4.2.0 Recipient address rejected: Greylisted for 5 minutes | PT5M
            451 4.7.1 greylisting in action, retry in 60s                  | PT1M
            451 4.7.1 You are greylisted. Come back in 2 min               | PT2M
            451 4.7.1 Greylisted, see http://postgrey.example/help.html    | none
            451 4.3.0 Temporary failure, try again in 300 seconds          | none
            450 4.2.1 Mailbox busy                                         | none
            """)
    void theNamedWaitIsFound(String reply, String expected) {
        var outcome = new RecipientOutcome.TemporaryFailure(0, EnhancedStatus.of(4, 7, 1), "mx.example.net", reply);
        Optional<Duration> wait = QueueRunner.greylisted(List.of(outcome));
        assertThat(wait).isEqualTo(expected.equals("none") ? Optional.empty() : Optional.of(Duration.parse(expected)));
    }
}
