package dev.tern.mailauth.arc;

import static dev.tern.mailauth.arc.ArcFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.dns.Lookup;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.TableResolver;
import dev.tern.mailauth.dkim.SigningKey;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tern seals and Tern validates: round trips, the sealer's rules (RFC 8617 §5.1) and the fields it writes. */
class ArcTest {
    static final String PAYLOAD = "spf=pass smtp.mailfrom=alice@example.com; dkim=pass header.d=example.com";

    @Test
    void aMessageWithoutArcIsNone() {
        ArcResult r = verify(message());
        assertThat(r.status()).isEqualTo(ArcResult.Status.NONE);
        assertThat(r.authResultsEntry()).isEqualTo("arc=none");
    }

    @Test
    void oneHopSealsAndValidates() {
        String sealed = seal(forwarder(), message(), PAYLOAD);
        ArcResult r = verify(sealed);
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(r.instances()).isEqualTo(1);
        assertThat(r.cvs()).containsExactly(ChainValidation.NONE);
        assertThat(r.sealerDomains()).containsExactly("forwarder.example");
        assertThat(r.authservIds()).containsExactly("mx.forwarder.example");
        assertThat(r.authResultsEntry()).isEqualTo("arc=pass header.oldest-pass=0");
    }

    @Test
    void twoHopsSealAndValidate() {
        String sealed = seal(list(), seal(forwarder(), message(), PAYLOAD), "spf=fail smtp.mailfrom=x@forwarder.example");
        ArcResult r = verify(sealed);
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(r.cvs()).containsExactly(ChainValidation.NONE, ChainValidation.PASS);
        assertThat(r.sealerDomains()).containsExactly("forwarder.example", "list.example");
        assertThat(sealed).startsWith("ARC-Seal: i=2; a=rsa-sha256; t=" + T + "; cv=pass; d=list.example; s=seal;");
    }

    @Test
    void sealerWritesTheThreeFieldsFoldedTopFirst() {
        List<String> fields = sealFields(forwarder(), message(), PAYLOAD, verify(message()));
        assertThat(fields).hasSize(3);
        assertThat(fields.get(0)).startsWith("ARC-Seal: i=1; a=rsa-sha256; t=" + T + "; cv=none;");
        assertThat(fields.get(1)).startsWith("ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed;")
                .doesNotContain("v=1");
        assertThat(fields.get(2)).isEqualTo("ARC-Authentication-Results: i=1; mx.forwarder.example; spf=pass\r\n"
                + "\tsmtp.mailfrom=alice@example.com; dkim=pass header.d=example.com; arc=none\r\n");
        for (String f : fields) {
            assertThat(f).endsWith("\r\n");
            for (String line : f.split("\r\n")) assertThat(line.length()).isLessThan(78);
        }
        String h = fields.get(1).replaceAll("(?s).*[\\s;]h=([^;]*);.*", "$1").replaceAll("\\s", "");
        assertThat(h).isEqualTo("from:from:reply-to:subject:subject:date:date:to:to:cc:message-id:message-id"
                + ":mime-version:content-type");
    }

    @Test
    void aLeadingAuthservIdAndAnArcEntryInThePayloadAreKept() {
        List<String> fields = sealFields(forwarder(), message(), "mx.forwarder.example; arc=none;\r\n\tspf=pass",
                verify(message()));
        assertThat(fields.get(2)).isEqualTo("ARC-Authentication-Results: i=1; mx.forwarder.example; arc=none;"
                + " spf=pass\r\n");
    }

    @Test
    void theMessageSignatureCoversDkimSignaturesButNotArcOrAuthenticationResults() {
        String message = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AA==; b=AA==\r\n"
                + "Authentication-Results: mx.forwarder.example; spf=pass\r\n" + message();
        List<String> names = ArcSealer.headerNames(headers(seal(forwarder(), message, PAYLOAD)));
        assertThat(names).contains("dkim-signature").doesNotContain("authentication-results",
                "arc-seal", "arc-message-signature", "arc-authentication-results");
    }

    @Test
    void aFailedChainIsSealedWithCvFailOverItsOwnSetOnlyAndThenNotExtended() {
        String broken = seal(forwarder(), message(), PAYLOAD).replace("lunch at noon", "lunch at one");
        ArcResult received = verify(broken);
        assertThat(received.status()).isEqualTo(ArcResult.Status.FAIL);
        String sealed = String.join("", sealFields(list(), broken, PAYLOAD, received)) + broken;
        assertThat(sealed).startsWith("ARC-Seal: i=2; a=rsa-sha256; t=" + T + "; cv=fail;");
        assertThat(sealed).contains("arc=fail");
        // §5.2 step 2: the next validator sees the newest seal's cv=fail and stops.
        ArcResult next = verify(sealed);
        assertThat(next.status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(next.reason()).contains("cv=fail");
        // §5.1 step 1: and no one adds a set after it.
        assertThat(sealFields(forwarder(), sealed, PAYLOAD, next)).isEmpty();
        // §5.1.2: the cv=fail seal signs only its own set, as if it were the only one.
        List<HeaderField> h = headers(sealed);
        HeaderField seal2 = h.get(0);
        byte[] data = ArcSigning.sealData(List.of(), h.get(2), h.get(1), ArcSigning.withoutB(seal2.rawLatin1()));
        ArcSeal parsed = ((Parsed.Ok<ArcSeal>) ArcSeal.parse(seal2)).value();
        assertThat(ArcSigning.verifies(SigningKey.Algorithm.RSA_SHA256, LIST.getPublic(), data, parsed.tags().b()))
                .isTrue();
    }

    @Test
    void aChainOfFiftySetsIsNotExtended() {
        String message = message();
        for (int i = 0; i < ArcSets.MAX_INSTANCES; i++) message = seal(i % 2 == 0 ? forwarder() : list(), message, "none");
        ArcResult r = verify(message);
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(r.instances()).isEqualTo(50);
        assertThat(sealFields(forwarder(), message, "none", r)).isEmpty();
    }

    @Test
    void oldestPassIsTheFirstSetWhoseSignatureStillVerifies() {
        // Two hops seal; then a field both signed changes (a list tags the Subject) and a third hop, trusting what
        // it received, seals: AMS 3 verifies, AMS 2 and 1 no longer do.
        String twoHops = seal(list(), seal(forwarder(), message(), PAYLOAD), PAYLOAD);
        ArcResult r = verify(twoHops);
        assertThat(r.oldestPass()).isZero();
        String changed = twoHops.replace("Subject: Lunch", "Subject: [list] Lunch");
        String third = String.join("", sealFields(forwarder(), changed, PAYLOAD, passed(changed))) + changed;
        ArcResult three = verify(third);
        assertThat(three.status()).as(three.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(three.oldestPass()).isEqualTo(3);
        assertThat(three.authResultsEntry()).isEqualTo("arc=pass header.oldest-pass=3");
    }

    @Test
    void streamingInChunksEqualsOneCall() {
        String sealed = seal(forwarder(), message(), PAYLOAD);
        byte[][] parts = split(bytes(sealed));
        ArcVerifier.Verification v = new ArcVerifier(dns(), VERIFY_CLOCK).begin(headers(sealed));
        for (int i = 0; i < parts[1].length; i += 3) v.body(parts[1], i, Math.min(3, parts[1].length - i));
        assertThat(v.finish().status()).isEqualTo(ArcResult.Status.PASS);
    }

    @Test
    void keyProblemsFailTheChain() {
        String sealed = seal(forwarder(), message(), PAYLOAD);
        String name = "arc._domainkey.forwarder.example";
        for (TableResolver dns : List.of(dns().answer(name, new Lookup.TempFail<>("timeout")),
                dns().answer(name, new Lookup.NxDomain<>(java.time.Duration.ZERO)),
                dns().txt(name, "v=DKIM1; k=rsa; p="), dns().txt(name, record(LIST)))) {
            ArcResult r = verify(sealed, dns);
            assertThat(r.status()).isEqualTo(ArcResult.Status.FAIL);
        }
    }

    @Test
    void sealerNeedsAnRsaKeyAndAConsistentResult() throws Exception {
        var ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThatThrownBy(() -> new ArcSealer(new SigningKey("forwarder.example", "ed",
                SigningKey.Algorithm.ED25519_SHA256, ed.getPrivate()), "mx.forwarder.example", SEAL_CLOCK))
                .isInstanceOf(IllegalArgumentException.class);
        String sealed = seal(forwarder(), message(), PAYLOAD);
        assertThatThrownBy(() -> sealFields(list(), sealed, PAYLOAD, ArcResult.none()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedArcFieldsAreFailuresNotExceptions() {
        for (String junk : List.of("ARC-Seal:", "ARC-Seal: ;;;", "ARC-Seal: i=1; a=\u00e9",
                "ARC-Message-Signature: i=1", "ARC-Authentication-Results: i=x; a", "ARC-Seal: i=99999999999999")) {
            ArcResult r = verify(junk + "\r\n" + message());
            assertThat(r.status()).as(junk).isEqualTo(ArcResult.Status.FAIL);
        }
        List<HeaderField> none = headers(message());
        assertThat(ArcSets.collect(none)).isInstanceOf(ArcSets.Collected.None.class);
    }

    /** A result that says the chain of {@code message} passed, whatever it is (for a sealer that trusts it). */
    private static ArcResult passed(String message) {
        ArcResult r = verify(message);
        return new ArcResult(ArcResult.Status.PASS, r.instances(), r.hops(), 0, "assumed");
    }
}
