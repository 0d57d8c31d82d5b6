package dev.tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.route.Host;
import dev.tern.mail.Domain;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.RecipientState;
import dev.tern.spool.SpooledMessage;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 7: the next attempt starts where the last one failed (after the host it ended at). */
class ResumeAfterLastFailureTest {
    static final List<Host> HOSTS = List.of(host("mx1.example.net"), host("mx2.example.net"), host("mx3.example.net"));

    @ParameterizedTest(name = "last at {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                             | mx1 mx2 mx3
            mx1.example.net[192.0.2.1]     | mx2 mx3 mx1
            mx2.example.net[192.0.2.1]     | mx3 mx1 mx2
            mx3.example.net[192.0.2.1]     | mx1 mx2 mx3
            other.example.org[192.0.2.9]   | mx1 mx2 mx3
            """)
    void startsAfterTheHostTheLastAttemptEndedAt(String lastHost, String expected) {
        Recipient to = Recipient.of(Mailbox.of("bob", "example.net"));
        List<RecipientState.Attempt> history = lastHost.isEmpty() ? List.of()
                : List.of(new RecipientState.Attempt(Instant.EPOCH, lastHost, "4.4.1 connection refused"));
        var state = new RecipientState(to, RecipientState.Status.PENDING, "", history);
        var message = new SpooledMessage(new QueueId("Q1"), new Envelope(ReversePath.NULL, List.of(to), MailOptions.NONE),
                List.of(state), Instant.EPOCH, 1, Instant.EPOCH, 10, false, 0);
        List<Host> ordered = RemoteTransport.resumeAfterLastFailure(message, List.of(0), HOSTS);
        assertThat(ordered).extracting(h -> h.name().name().replace(".example.net", ""))
                .containsExactly(expected.split(" "));
    }

    private static Host host(String name) {
        return new Host(Domain.parse(name), 10, List.of(InetAddress.getLoopbackAddress()));
    }
}
