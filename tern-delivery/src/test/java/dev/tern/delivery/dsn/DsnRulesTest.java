package dev.tern.delivery.dsn;

import static dev.tern.delivery.dsn.DsnFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Notify;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.Reply;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who gets a DSN (RFC 3461 §4.1, RFC 5321 §4.5.5) and what a report may say (RFC 3464 §2.3). */
class DsnRulesTest {
    // RFC 3461 §4.1: no NOTIFY means FAILURE,DELAY; NEVER means nothing.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            -                     | failed    | true
            -                     | delayed   | true
            -                     | delivered | false
            -                     | relayed   | false
            NEVER                 | failed    | false
            NEVER                 | delayed   | false
            FAILURE               | failed    | true
            FAILURE               | delayed   | false
            DELAY                 | delayed   | true
            DELAY                 | failed    | false
            SUCCESS               | delivered | true
            SUCCESS               | relayed   | true
            SUCCESS               | expanded  | true
            SUCCESS               | failed    | false
            SUCCESS,FAILURE,DELAY | failed    | true
            SUCCESS,FAILURE,DELAY | delayed   | true
            """)
    void notifyDecidesWhatIsReported(String notify, String action, boolean requested) {
        Set<Notify> keywords = notify.equals("-") ? Set.of()
                : Arrays.stream(notify.split(",")).map(Notify::valueOf).collect(Collectors.toCollection(() -> EnumSet.noneOf(Notify.class)));
        Recipient bob = recipient("bob@remote.example", keywords, "");
        Action value = switch (action) {
            case "failed" -> Action.FAILED;
            case "delayed" -> Action.delayed(RETRY_UNTIL);
            case "delivered" -> Action.DELIVERED;
            case "relayed" -> Action.RELAYED;
            default -> Action.EXPANDED;
        };
        assertThat(Dsn.requested(bob, value)).isEqualTo(requested);
    }

    @Test
    void mailFromTheNullPathNeverGetsADsn() {
        Recipient bob = recipient("bob@remote.example");
        Envelope bounce = new Envelope(ReversePath.NULL, List.of(bob), MailOptions.NONE);
        assertThat(Dsn.of(QUEUE_ID, bounce, ARRIVAL, NOW, List.of(failed(bob)))).isEmpty();
        assertThatThrownBy(() -> new Dsn(QUEUE_ID, bounce, ARRIVAL, NOW, List.of(failed(bob))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheRecipientsThatAskedAreReported() {
        Recipient never = recipient("never@remote.example", Set.of(Notify.NEVER), "");
        Recipient plain = recipient("plain@remote.example");
        Recipient successOnly = recipient("ok@remote.example", Set.of(Notify.SUCCESS), "");
        Envelope envelope = envelope(MailOptions.NONE, never, plain, successOnly);

        assertThat(Dsn.of(QUEUE_ID, envelope, ARRIVAL, NOW, List.of(failed(never), failed(plain), failed(successOnly))))
                .get().extracting(Dsn::recipients).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly(failed(plain));
        assertThat(Dsn.of(QUEUE_ID, envelope, ARRIVAL, NOW, List.of(failed(never)))).isEmpty();
    }

    @Test
    void theKindIsTheWorstActionReported() {
        Recipient bob = recipient("bob@remote.example", Set.of(Notify.SUCCESS, Notify.FAILURE, Notify.DELAY), "");
        RecipientReport delivered = new RecipientReport(bob, Action.DELIVERED, EnhancedStatus.parse("2.0.0"), "",
                DiagnosticCode.NONE, LAST_ATTEMPT);
        Envelope envelope = envelope(MailOptions.NONE, bob);
        assertThat(dsn(envelope, delivered).kind()).isEqualTo(DsnKind.SUCCESS);
        assertThat(dsn(envelope, delivered, delayed(bob)).kind()).isEqualTo(DsnKind.DELAY);
        assertThat(dsn(envelope, delayed(bob), failed(bob), delivered).kind()).isEqualTo(DsnKind.FAILURE);
    }

    // RFC 3464 §2.3.4: the status class fits the action (failed also with 4.x.x, when the lifetime ran out).
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            failed    | 5.1.1 | true
            failed    | 4.4.7 | true
            failed    | 2.0.0 | false
            delayed   | 4.4.1 | true
            delayed   | 5.1.1 | false
            delivered | 2.0.0 | true
            delivered | 5.0.0 | false
            relayed   | 4.0.0 | false
            expanded  | 2.1.5 | true
            """)
    void theStatusClassMustFitTheAction(String action, String status, boolean valid) {
        Action value = switch (action) {
            case "failed" -> Action.FAILED;
            case "delayed" -> Action.delayed(RETRY_UNTIL);
            case "delivered" -> Action.DELIVERED;
            case "relayed" -> Action.RELAYED;
            default -> Action.EXPANDED;
        };
        Recipient bob = recipient("bob@remote.example");
        Runnable make = () -> new RecipientReport(bob, value, EnhancedStatus.parse(status), "", DiagnosticCode.NONE, LAST_ATTEMPT);
        if (valid) make.run();
        else assertThatThrownBy(make::run).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mx.remote.example | true
            [192.0.2.7]       | true
            two words         | false
            semi;colon        | false
            """)
    void theRemoteMtaIsAHostName(String remote, boolean valid) {
        Runnable make = () -> RecipientReport.failed(recipient("bob@remote.example"), EnhancedStatus.parse("5.0.0"),
                remote, DiagnosticCode.NONE, LAST_ATTEMPT);
        if (valid) make.run();
        else assertThatThrownBy(make::run).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMultiLineReplyBecomesOneDiagnosticLine() {
        Reply reply = new Reply(550, EnhancedStatus.parse("5.1.1"), List.of("No such user", "See the help page"));
        assertThat(DiagnosticCode.smtp(reply))
                .isEqualTo(new DiagnosticCode("smtp", "550-5.1.1 No such user 550 5.1.1 See the help page"));
        assertThat(DiagnosticCode.local("mailbox\r\nnot writable").text()).isEqualTo("mailbox not writable");
        assertThatThrownBy(() -> new DiagnosticCode("smtp;", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
