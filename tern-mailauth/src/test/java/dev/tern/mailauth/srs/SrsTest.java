package dev.tern.mailauth.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Mailbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SrsTest {
    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OLD = "old secret".getBytes(StandardCharsets.US_ASCII);
    // Day 20000 since 1970 (2024-10-04): 20000 mod 1024 = 544 = 17*32 + 0, stamp "RA".
    private static final Instant DAY_20000 = Instant.parse("2024-10-04T12:00:00Z");

    private static Srs srs(Instant now, byte[]... secrets) {
        return new Srs(List.of(secrets), "fwd.test", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Mailbox parse(String address) {
        int at = address.lastIndexOf('@');
        return Mailbox.of(address.substring(0, at), address.substring(at + 1));
    }

    private static String describe(SrsReversal reversal) {
        return switch (reversal) {
            case SrsReversal.NotSrs n -> "not srs";
            case SrsReversal.Original(Mailbox m) -> m.toString();
            case SrsReversal.Invalid(SrsReversal.Reason reason) -> reason.name();
        };
    }

    // The hashes were computed independently with Python's hmac over the libsrs2 formula:
    // base64(HMAC-SHA1(b"secret", lower("RA" + "example.org" + "alice")))[:4] = "oIye".
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        alice@example.org                        | SRS0=oIye=RA=example.org=alice@fwd.test
        # Another forwarder's SRS0 becomes SRS1 pointing at it (hash over fwd.example + =HHHH=RA=example.org=alice).
        SRS0=HHHH=RA=example.org=alice@fwd.example | SRS1=sZY/=fwd.example==HHHH=RA=example.org=alice@fwd.test
        # An SRS1 keeps its first forwarder and SRS0 part; only the hash is ours.
        SRS1=XXXX=fwd.example==HHHH=RA=example.org=alice@mid.example | SRS1=sZY/=fwd.example==HHHH=RA=example.org=alice@fwd.test
        # Already ours: unchanged.
        bob@fwd.test                             | bob@fwd.test
        # Too long for a local part (RFC 5321 §4.5.3.1.1): unchanged.
        a-very-long-local-part-of-forty-characters@a.rather.long.domain.example | a-very-long-local-part-of-forty-characters@a.rather.long.domain.example
        """)
    void forwardRewritesTheReversePath(String sender, String expected) {
        assertThat(srs(DAY_20000, SECRET).forward(parse(sender))).hasToString(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # Valid, and as MTAs change case on the way back (the hash compares case-insensitively).
        SRS0=oIye=RA=example.org=alice@fwd.test  | alice@example.org
        srs0=oiye=ra=example.org=alice@fwd.test  | alice@example.org
        SRS0=OIYE=RA=EXAMPLE.ORG=ALICE@FWD.TEST  | ALICE@example.org
        # SRS1 goes back to the first forwarder's SRS0.
        SRS1=sZY/=fwd.example==HHHH=RA=example.org=alice@fwd.test | SRS0=HHHH=RA=example.org=alice@fwd.example
        # Forged: a hash that is not ours.
        SRS0=AAAA=RA=example.org=alice@fwd.test  | BAD_HASH
        SRS0=oIye=RA=example.org=mallory@fwd.test | BAD_HASH
        SRS0=oIye=RB=example.org=alice@fwd.test  | BAD_HASH
        SRS1=AAAA=fwd.example==HHHH=RA=example.org=alice@fwd.test | BAD_HASH
        # Malformed.
        SRS0=oIye=RA=example.org@fwd.test        | MALFORMED
        SRS0=oIye=R=example.org=alice@fwd.test   | MALFORMED
        SRS0=oIye=R1=example.org=alice@fwd.test  | MALFORMED
        SRS0=oIye=RA=exa_mple.org=alice@fwd.test | MALFORMED
        SRS1=sZY/=fwd.example@fwd.test           | MALFORMED
        SRS1=sZY/=fwd.example=x@fwd.test         | MALFORMED
        # Not SRS at all.
        alice@fwd.test                           | not srs
        SRS0@fwd.test                            | not srs
        SRS2=oIye=RA=example.org=alice@fwd.test  | not srs
        """)
    void reverseChecksHashAndForm(String address, String expected) {
        assertThat(describe(srs(DAY_20000, SECRET).reverse(parse(address)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} days later -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        0    | alice@example.org
        21   | alice@example.org
        22   | EXPIRED
        500  | EXPIRED
        # The stamp wraps every 1024 days; libsrs2 counts the age modulo 1024.
        1024 | alice@example.org
        # A stamp from tomorrow is 1023 days old.
        -1   | EXPIRED
        """)
    void timestampsExpireAfterTwentyOneDays(long days, String expected) {
        Mailbox address = srs(DAY_20000, SECRET).forward(Mailbox.of("alice", "example.org"));
        Srs later = srs(DAY_20000.plus(Duration.ofDays(days)), SECRET);
        assertThat(describe(later.reverse(address))).isEqualTo(expected);
    }

    @Test
    void roundTripsThroughForwardAndReverse() {
        Srs srs = srs(DAY_20000, SECRET);
        for (String sender : List.of("alice@example.org", "first.last+tag@sub.example.com", "a=b@example.net",
                "x@xn--bcher-kva.example")) {
            Mailbox original = parse(sender);
            Mailbox forwarded = srs.forward(original);
            assertThat(forwarded.domain().name()).isEqualTo("fwd.test");
            assertThat(srs.reverse(forwarded)).isEqualTo(new SrsReversal.Original(original));
            Mailbox shouted = new Mailbox(forwarded.localPart().toUpperCase(Locale.ROOT), forwarded.domain());
            assertThat(srs.reverse(shouted)).isInstanceOf(SrsReversal.Original.class);
        }
    }

    @Test
    void srs1ChainLeadsBackHopByHop() {
        // first.example forwards alice's mail to us, we forward it on; the bounce retraces both hops.
        Srs first = new Srs(List.of("other".getBytes(StandardCharsets.US_ASCII)), "first.example",
                Clock.fixed(DAY_20000, ZoneOffset.UTC));
        Srs ours = srs(DAY_20000, SECRET);
        Mailbox alice = Mailbox.of("alice", "example.org");
        Mailbox hop1 = first.forward(alice);
        Mailbox hop2 = ours.forward(hop1);
        assertThat(hop2.localPart()).startsWith("SRS1=").contains("=first.example==");
        // A third forwarder keeps the chain at one SRS1 hop.
        Mailbox hop3 = srs(DAY_20000, OLD).forward(hop2);
        assertThat(hop3.localPart()).startsWith("SRS1=").contains("=first.example==");
        assertThat(ours.reverse(hop2)).isEqualTo(new SrsReversal.Original(hop1));
        assertThat(first.reverse(hop1)).isEqualTo(new SrsReversal.Original(alice));
    }

    @Test
    void everySecretVerifiesButOnlyTheFirstSigns() {
        Mailbox alice = Mailbox.of("alice", "example.org");
        Mailbox signedWithOld = srs(DAY_20000, OLD).forward(alice);
        Srs rotated = srs(DAY_20000, SECRET, OLD);
        assertThat(rotated.reverse(signedWithOld)).isEqualTo(new SrsReversal.Original(alice));
        assertThat(rotated.forward(alice)).isEqualTo(srs(DAY_20000, SECRET).forward(alice));
        assertThat(srs(DAY_20000, SECRET).reverse(signedWithOld))
                .isEqualTo(new SrsReversal.Invalid(SrsReversal.Reason.BAD_HASH));
    }

    @Test
    void refusesNoOrEmptySecrets() {
        assertThatThrownBy(() -> new Srs(List.of(), "fwd.test", Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Srs(List.of(new byte[0]), "fwd.test", Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretFileIsCreatedOnceOwnerOnlyAndReadBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("srs").resolve("secret");
        List<byte[]> first = Srs.loadOrCreateSecret(file);
        assertThat(first).hasSize(1);
        assertThat(first.getFirst()).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Srs.loadOrCreateSecret(file).getFirst()).isEqualTo(first.getFirst());
        try (var files = Files.list(file.getParent())) {
            assertThat(files.toList()).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void secretFileWithRotationAndBadContent(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("secret");
        Files.writeString(file, "# rotated\nbmV3\nb2xk\n");
        assertThat(Srs.loadOrCreateSecret(file)).extracting(b -> new String(b, StandardCharsets.US_ASCII))
                .containsExactly("new", "old");
        Files.writeString(file, "not base64!\n");
        assertThatThrownBy(() -> Srs.loadOrCreateSecret(file)).isInstanceOf(IOException.class);
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> Srs.loadOrCreateSecret(file)).isInstanceOf(IOException.class);
    }
}
