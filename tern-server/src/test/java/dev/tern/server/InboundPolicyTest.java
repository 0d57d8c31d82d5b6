package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.directory.Directory;
import dev.tern.directory.DirectorySettings;
import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.smtp.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InboundPolicyTest {
    static final Directory DIRECTORY = new Directory(new DirectorySettings(Set.of(Domain.parse("local.test")), false,
            Set.of(Mailbox.of("alice", "local.test"), Mailbox.of("bob", "local.test")),
            Map.of(Mailbox.of("info", "local.test"), List.of(Mailbox.of("alice", "local.test")),
                    Mailbox.of("out", "local.test"), List.of(Mailbox.of("x", "far.example"))),
            Map.of(Mailbox.of("team", "local.test"), List.of(Mailbox.of("alice", "local.test"), Mailbox.of("bob", "local.test"))),
            "+"));

    static Optional<String> user(String name) {
        return name.equals("-") ? Optional.empty() : Optional.of(name);
    }

    static String verdict(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Accept a -> "accept";
            case Verdict.AcceptAs(var mailbox) -> "accept as " + mailbox;
            case Verdict.Reject(var reply) -> reply.toString();
        };
    }

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 5321 §3.6.1: no relay for strangers; RFC 6409 §4.3: an authenticated user may send anywhere.
        x@far.example           | -                | 550 5.7.1 Relay access denied
        x@far.example           | alice@local.test | accept
        alice@local.test        | -                | accept
        nobody@local.test       | -                | 550 5.1.1 *
        nobody@local.test       | alice@local.test | 550 5.1.1 *
        # Source routes are gone and % or ! are plain characters: a local (unknown) user, never a relay.
        x%far.example@local.test | -               | 550 5.1.1 *
        far.example!x@local.test | -               | 550 5.1.1 *
        """)
    void recipients(String address, String user, String expected) {
        String[] parts = address.split("@");
        String actual = verdict(new InboundPolicy(DIRECTORY).recipient(Mailbox.of(parts[0], parts[1]), user(user)));
        assertThat(actual).matches(expected.replace("*", ".*"));
    }

    @ParameterizedTest(name = "MAIL FROM:{0} as {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # Unauthenticated (port 25): any sender.
        x@far.example            | -                | accept
        # Authenticated: own address (case-blind), sub-address, an alias or list that reaches the user, <>.
        alice@local.test         | alice@local.test | accept
        ALICE@Local.Test         | alice@local.test | accept
        alice+news@local.test    | alice@local.test | accept
        info@local.test          | alice@local.test | accept
        team@local.test          | alice@local.test | accept
        <>                       | alice@local.test | accept
        # Anyone else's address is refused: RFC 6409 §6.1, 553 5.7.1.
        bob@local.test           | alice@local.test | 553 5.7.1 Sender address not owned by the authenticated user
        info@local.test          | bob@local.test   | 553 5.7.1 *
        out@local.test           | alice@local.test | 553 5.7.1 *
        x@far.example            | alice@local.test | 553 5.7.1 *
        alice@local.test         | alice            | 553 5.7.1 *
        """)
    void senders(String address, String user, String expected) {
        ReversePath from = address.equals("<>") ? ReversePath.NULL
                : ReversePath.of(Mailbox.of(address.split("@")[0], address.split("@")[1]));
        assertThat(verdict(new InboundPolicy(DIRECTORY).sender(from, user(user)))).matches(expected.replace("*", ".*"));
    }

    @Test
    void theSenderCheckCanBeTurnedOff() {
        var from = ReversePath.of(Mailbox.of("bob", "local.test"));
        assertThat(new InboundPolicy(DIRECTORY, false).sender(from, Optional.of("alice@local.test"))).isEqualTo(Verdict.ACCEPT);
    }
}
