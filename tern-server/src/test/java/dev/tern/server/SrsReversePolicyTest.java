package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import dev.tern.mail.ReversePath;
import dev.tern.mailauth.srs.Srs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RCPT to SRS addresses at a local domain: a valid one goes to the original sender, a forged one is 550. */
class SrsReversePolicyTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final List<byte[]> SECRETS = List.of("s3cret".getBytes(StandardCharsets.US_ASCII));

    private static Srs srs(Instant now) {
        return new Srs(SECRETS, "local.test", Clock.fixed(now, ZoneOffset.UTC));
    }

    /** {@code fwd:x@y}: the address our forward of x@y's mail carried (made {@code days} ago); else as written. */
    private static Mailbox address(String text, long days) {
        boolean forwarded = text.startsWith("fwd:");
        String plain = forwarded ? text.substring(4) : text;
        int at = plain.lastIndexOf('@');
        Mailbox mailbox = Mailbox.of(plain.substring(0, at), plain.substring(at + 1));
        if (!forwarded) return mailbox;
        // forward() leaves senders at its own domain alone, so sign at another SRS domain and move the address to
        // local.test: the hash covers timestamp, domain and local part only.
        Mailbox rewritten = new Srs(SECRETS, "other.test", Clock.fixed(NOW.minus(Duration.ofDays(days)), ZoneOffset.UTC))
                .forward(mailbox);
        return new Mailbox(rewritten.localPart(), srs(NOW).localDomain());
    }

    @ParameterizedTest(name = "{0} ({1} days) as {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # A bounce to our SRS address goes to the original sender, relayed without AUTH.
        fwd:alice@far.example       | 0  | - | accept as alice@far.example
        fwd:alice@far.example       | 21 | - | accept as alice@far.example
        # Expired or forged: refused with 550 5.7.1, no backscatter.
        fwd:alice@far.example       | 22 | - | 550 5.7.1 <SRS0=*@local.test>: invalid SRS address
        SRS0=AAAA=AB=far.example=alice@local.test | 0 | - | 550 5.7.1 <SRS0=AAAA=AB=far.example=alice@local.test>: invalid SRS address
        srs0=x@local.test           | 0  | - | 550 5.7.1 <srs0=x@local.test>: invalid SRS address
        SRS1=AAAA=fwd.example==HHHH=AB=far.example=alice@local.test | 0 | - | 550 5.7.1 *invalid SRS address
        # An original at a local domain is a local recipient: the shared policy decides.
        fwd:bob@local.test          | 0  | - | accept as bob@local.test
        fwd:nobody@local.test       | 0  | - | 550 5.1.1 *
        # Not SRS, or SRS-looking at another domain: the shared policy as always (no relay).
        alice@local.test            | 0  | - | accept
        SRS0=AAAA=AB=far.example=alice@far.example | 0 | - | 550 5.7.1 Relay access denied
        x@far.example               | 0  | - | 550 5.7.1 Relay access denied
        x@far.example               | 0  | alice@local.test | accept
        """)
    void srsRecipients(String to, long days, String user, String expected) {
        var policy = new SrsReversePolicy(new InboundPolicy(InboundPolicyTest.DIRECTORY), InboundPolicyTest.DIRECTORY,
                srs(NOW));
        String verdict = InboundPolicyTest.verdict(policy.recipient(address(to, days), InboundPolicyTest.user(user)));
        assertThat(verdict).matches(java.util.regex.Pattern.quote(expected).replace("*", "\\E.*\\Q"));
    }

    /** Only bounces go back through an SRS address: anything else would send as our domain to the original sender. */
    @ParameterizedTest(name = "MAIL FROM {0} to {1}")
    @CsvSource(delimiter = '|', textBlock = """
        <>                     | fwd:alice@far.example | accept as alice@far.example
        spammer@evil.example   | fwd:alice@far.example | 550 5.7.1 <SRS0=*@local.test>: only bounces go to an SRS address
        ceo@local.test         | fwd:alice@far.example | 550 5.7.1 *only bounces*
        someone@evil.example   | alice@local.test      | accept
        """)
    void onlyBouncesGoThroughAnSrsAddress(String from, String to, String expected) {
        var policy = new SrsReversePolicy(new InboundPolicy(InboundPolicyTest.DIRECTORY), InboundPolicyTest.DIRECTORY,
                srs(NOW));
        ReversePath reversePath = from.equals("<>") ? ReversePath.NULL
                : ReversePath.of(Mailbox.of(from.substring(0, from.indexOf('@')), from.substring(from.indexOf('@') + 1)));
        String verdict = InboundPolicyTest.verdict(policy.recipient(reversePath, address(to, 0),
                InboundPolicyTest.user("-")));
        assertThat(verdict).matches(java.util.regex.Pattern.quote(expected).replace("*", "\\E.*\\Q"));
    }
}
