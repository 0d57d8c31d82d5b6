package dev.tern.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.TableResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A fixed vector: a two-hop chain dkimpy sealed once (with {@code arc_tool.py}, key {@code vector._domainkey.
 * sealer.example}, t=1700000000 and 1700000100), kept as bytes so Tern's validation is checked against an
 * independent implementation even where dkimpy is not installed. (RFC 8617 Appendix B's examples do not, as far
 * as could be checked, publish their keys.)
 */
class ArcVectorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_003_600L), ZoneOffset.UTC);

    @Test
    void dkimpysTwoHopChainPasses() throws IOException {
        ArcResult r = verify(resource("dkimpy-two-hops.eml"));
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(r.instances()).isEqualTo(2);
        assertThat(r.cvs()).containsExactly(ChainValidation.NONE, ChainValidation.PASS);
        assertThat(r.sealerDomains()).containsExactly("sealer.example", "sealer.example");
        assertThat(r.authservIds()).containsExactly("mx.sealer.example", "mx.sealer.example");
        assertThat(r.authResultsEntry()).isEqualTo("arc=pass header.oldest-pass=0");
        assertThat(r.hops().getFirst().results()).isEqualTo("spf=pass smtp.mailfrom=alice@example.com;"
                + " dkim=pass header.d=example.com");
    }

    @Test
    void theVectorFailsOnceItsBodyOrItsFirstSetChanges() throws IOException {
        byte[] message = resource("dkimpy-two-hops.eml");
        String text = new String(message, StandardCharsets.ISO_8859_1);
        assertThat(verify(bytes(text.replace("One line of body.", "One line of bodies."))).status())
                .isEqualTo(ArcResult.Status.FAIL);
        assertThat(verify(bytes(text.replace("ARC-Authentication-Results: i=1; mx.sealer.example",
                "ARC-Authentication-Results: i=1; mx.forged.example"))).reason())
                .isEqualTo("ARC-Seal i=2: signature did not verify");
    }

    private static ArcResult verify(byte[] message) throws IOException {
        String record = new String(resource("dkimpy-two-hops.key.txt"), StandardCharsets.US_ASCII).strip();
        TableResolver dns = new TableResolver().txt("vector._domainkey.sealer.example", record);
        byte[][] parts = ArcFixtures.split(message);
        return new ArcVerifier(dns, CLOCK).verify(HeaderSection.parse(parts[0]), parts[1]);
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ArcVectorTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
