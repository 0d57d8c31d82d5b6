package dev.tern.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.Lookup;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.TableResolver;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Signing and verifying round trips, and every verification result from a table (RFC 6376 §6.1, RFC 8301). */
class DkimTest {
    static final long T = 1_700_000_000L;
    static final Clock SIGN_CLOCK = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
    static final Clock VERIFY_CLOCK = Clock.fixed(Instant.ofEpochSecond(T + 86_400), ZoneOffset.UTC);
    static final KeyPair ED = generate("Ed25519", 0);
    static final KeyPair RSA = generate("RSA", 2048);
    static final String HEADERS = """
            From: Alice <alice@example.com>
            To: Bob <bob@example.net>
            Subject: Lunch
            Date: Tue, 14 Nov 2023 22:13:20 +0000
            Message-ID: <1@example.com>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            X-Unsigned: anything
            """.replace("\n", "\r\n");
    static final String BODY = "Hello Bob,\r\n\r\nlunch at noon?\r\n\r\n";

    static String edRecord() {
        return DkimKeys.dnsRecord("example.com", "ed", ED.getPublic()).replaceAll("^.* IN TXT \"|\"$", "");
    }

    static String rsaRecord() {
        return "v=DKIM1; k=rsa; p=" + java.util.Base64.getEncoder().encodeToString(RSA.getPublic().getEncoded());
    }

    static DkimSigner signer() {
        return new DkimSigner(List.of(
                new SigningKey("example.com", "ed", SigningKey.Algorithm.ED25519_SHA256, ED.getPrivate()),
                new SigningKey("example.com", "rsa", SigningKey.Algorithm.RSA_SHA256, RSA.getPrivate())),
                SIGN_CLOCK);
    }

    static TableResolver dns() {
        return new TableResolver().txt("ed._domainkey.example.com", edRecord())
                .txt("rsa._domainkey.example.com", rsaRecord());
    }

    /** The message signed by {@link #signer()}: the signature fields, the header section, the empty line, the body. */
    static String signed() {
        List<String> sigs = signer().sign(HeaderSection.parse(bytes(HEADERS)), bytes(BODY));
        return String.join("", sigs) + HEADERS + "\r\n" + BODY;
    }

    static List<DkimResult> verify(String message, TableResolver dns) {
        return verify(message, dns, VERIFY_CLOCK);
    }

    static List<DkimResult> verify(String message, TableResolver dns, Clock clock) {
        byte[][] parts = Rfc8463Test.split(bytes(message));
        return new DkimVerifier(dns, clock).verify(HeaderSection.parse(parts[0]), parts[1]);
    }

    @Test
    void signsWithBothKeysAndBothVerify() {
        String message = signed();
        List<DkimResult> results = verify(message, dns());
        assertThat(results).extracting(DkimResult::status)
                .containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
        assertThat(results).extracting(DkimResult::algorithm).containsExactly("ed25519-sha256", "rsa-sha256");
        assertThat(results.getFirst().identity()).isEqualTo("@example.com");
    }

    @Test
    void fieldsAreFoldedUnder78ColumnsAndOversignTheKeyFields() {
        List<String> sigs = signer().sign(HeaderSection.parse(bytes(HEADERS)), bytes(BODY));
        for (String sig : sigs) {
            assertThat(sig).startsWith("DKIM-Signature: v=1; a=").endsWith("\r\n").contains("c=relaxed/relaxed;",
                    "d=example.com;", "t=" + T + ";").doesNotContain("x=", "l=");
            for (String line : sig.split("\r\n")) assertThat(line.length()).isLessThan(78);
            String h = TagList.strip(sig.replaceAll("(?s).*?[\\s;]h=([^;]*);.*", "$1")).replaceAll("\\s", "");
            assertThat(h).isEqualTo("from:from:reply-to:subject:subject:date:date:to:to:cc:message-id:message-id"
                    + ":mime-version:content-type");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # what is added on top of the signed message          | expected result of each signature
            From: Mallory <mallory@example.org>                    | FAIL
            Subject: Win a prize                                   | FAIL
            Cc: eve@example.org                                    | FAIL
            Reply-To: mallory@example.org                          | FAIL
            X-Unsigned: added by a relay                           | PASS
            Received: from relay.example.net                       | PASS
            """)
    void oversignedFieldsCannotBeAdded(String added, DkimResult.Status expected) {
        List<DkimResult> results = verify(added + "\r\n" + signed(), dns());
        assertThat(results).extracting(DkimResult::status).containsOnly(expected).hasSize(2);
    }

    @Test
    void streamingInChunksEqualsOneCall() {
        DkimSigner.Signing s = signer().begin();
        byte[] body = bytes(BODY);
        for (int i = 0; i < body.length; i += 3) s.body(body, i, Math.min(3, body.length - i));
        String message = String.join("", s.finish(HeaderSection.parse(bytes(HEADERS)))) + HEADERS + "\r\n" + BODY;
        byte[][] parts = Rfc8463Test.split(bytes(message));
        DkimVerifier.Verification v = new DkimVerifier(dns(), VERIFY_CLOCK).begin(HeaderSection.parse(parts[0]));
        for (int i = 0; i < parts[1].length; i += 5) v.body(parts[1], i, Math.min(5, parts[1].length - i));
        assertThat(v.finish()).extracting(DkimResult::status).containsOnly(DkimResult.Status.PASS);
    }

    // Each row changes the Ed25519-signed message (the first signature) or its key record, and names the result.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # where | find                    | replace with                        | result
            # PASS
            msg     | ''                      | ''                                  | PASS
            msg     | lunch at noon?\\r\\n     | lunch at noon?  \\r\\n\\r\\n\\r\\n  | PASS
            dns     | ''                      | v=DKIM1; k=ed25519; t=y; p=KEY      | PASS
            # FAIL: altered body or header, bad signature, revoked key, body shorter than l=
            msg     | lunch at noon           | lunch at one                        | FAIL
            msg     | Subject: Lunch          | Subject: Dinner                     | FAIL
            msg     | ' b='                   | ' b=AAAA'                           | FAIL
            dns     | ''                      | v=DKIM1; k=ed25519; p=              | FAIL
            msg     | 'v=1;'                  | 'v=1; l=99999;'                     | FAIL
            # NEUTRAL: syntax errors in the signature field
            msg     | 'v=1;'                  | 'v=1; v=1;'                         | NEUTRAL
            msg     | 'v=1;'                  | 'v=2;'                              | NEUTRAL
            msg     | 'bh='                   | 'xh='                               | NEUTRAL
            msg     | 'bh='                   | 'bh=!!;x_bh='                       | NEUTRAL
            msg     | 'd=example.com'         | 'd=exa mple..com'                   | NEUTRAL
            msg     | 'v=1;'                  | 'v=1; t=1800000000; x=1700000001;'  | NEUTRAL
            msg     | 'v=1;'                  | 'v=1; l=12a;'                       | NEUTRAL
            # POLICY: a timestamp in the future
            msg     | 't=1700000000'          | 't=1800000000'                      | POLICY
            # TEMPERROR: the key lookup fails for now
            dns     | ''                      | TEMPFAIL                            | TEMPERROR
            # PERMERROR: no key, unusable key, unacceptable signature
            dns     | ''                      | NXDOMAIN                            | PERMERROR
            msg     | 'a=ed25519-sha256'      | 'a=rsa-sha1'                        | PERMERROR
            msg     | 'a=ed25519-sha256'      | 'a=ed448-sha256'                    | PERMERROR
            msg     | 'c=relaxed/relaxed'     | 'c=relaxed/fancy'                   | PERMERROR
            msg     | 'h=from:from:'          | 'h='                                | PERMERROR
            msg     | 'v=1;'                  | 'v=1; i=alice@example.org;'         | PERMERROR
            msg     | 'v=1;'                  | 'v=1; q=https;'                     | PERMERROR
            msg     | 'v=1;'                  | 'v=1; x=1700000060;'                | PERMERROR
            dns     | ''                      | v=DKIM1; k=rsa; p=KEY               | PERMERROR
            dns     | ''                      | v=DKIM1; k=ed25519; h=sha1; p=KEY   | PERMERROR
            dns     | ''                      | v=DKIM1; k=ed25519; s=im; p=KEY     | PERMERROR
            dns     | ''                      | v=DKIM2; k=ed25519; p=KEY           | PERMERROR
            dns     | ''                      | k=ed25519; v=DKIM1; p=KEY           | PERMERROR
            dns     | ''                      | v=DKIM1; k=ed25519; p=AAAA          | PERMERROR
            dns     | ''                      | v=DKIM1; k=ed25519 p=KEY            | PERMERROR
            dns     | ''                      | v=DKIM1; k=dsa; p=KEY               | PERMERROR
            """)
    void verificationResults(String where, String find, String replace, DkimResult.Status expected) {
        String message = signed();
        TableResolver dns = dns();
        String edKey = edRecord().replaceAll(".*p=", "");
        if (where.equals("msg") && !find.isEmpty()) {
            int at = message.indexOf(unescape(find)); // the first signature, or the body
            assertThat(at).as("test row finds %s", find).isNotNegative();
            message = message.substring(0, at) + unescape(replace) + message.substring(at + unescape(find).length());
        } else if (where.equals("dns")) {
            String name = "ed._domainkey.example.com";
            switch (replace) {
                case "TEMPFAIL" -> dns.answer(name, new Lookup.TempFail<>("timeout"));
                case "NXDOMAIN" -> dns.answer(name, new Lookup.NxDomain<>(java.time.Duration.ZERO));
                default -> dns.txt(name, replace.replace("KEY", edKey));
            }
        }
        assertThat(verify(message, dns).getFirst().status()).isEqualTo(expected);
    }

    @Test
    void tinyRsaKeysArePermanentErrors() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(512);
        KeyPair small = g.generateKeyPair();
        DkimSigner signer = new DkimSigner(List.of(new SigningKey("example.com", "small",
                SigningKey.Algorithm.RSA_SHA256, small.getPrivate())), SIGN_CLOCK);
        String message = String.join("", signer.sign(HeaderSection.parse(bytes(HEADERS)), bytes(BODY))) + HEADERS
                + "\r\n" + BODY;
        TableResolver dns = new TableResolver().txt("small._domainkey.example.com", "v=DKIM1; p="
                + java.util.Base64.getEncoder().encodeToString(small.getPublic().getEncoded()));
        DkimResult r = verify(message, dns).getFirst();
        assertThat(r.status()).isEqualTo(DkimResult.Status.PERMERROR);
        assertThat(r.reason()).contains("512 bits");
    }

    @Test
    void strictKeyRefusesSubdomainIdentity() {
        String message = signed().replaceFirst("v=1;", "v=1; i=@mail.example.com;");
        TableResolver dns = dns().txt("ed._domainkey.example.com", edRecord() + "; t=s");
        assertThat(verify(message, dns).getFirst().status()).isEqualTo(DkimResult.Status.PERMERROR);
    }

    @Test
    void bodyLengthLimitVerifiesThePrefixAndIsReported() {
        DkimResult r = verifyWithLength("appended by a list\r\n");
        assertThat(r.status()).isEqualTo(DkimResult.Status.PASS);
        assertThat(r.bodyLengthLimited()).isTrue();
    }

    @Test
    void atMostTenSignaturesAreChecked() {
        String one = signed();
        String sig = one.substring(0, one.indexOf("DKIM-Signature", 10));
        String message = sig.repeat(12) + one.substring(sig.length());
        assertThat(verify(message, dns())).hasSize(DkimVerifier.MAX_SIGNATURES);
    }

    @Test
    void malformedFieldsAreResultsNotExceptions() {
        for (String junk : List.of("DKIM-Signature:", "DKIM-Signature: ;;;", "DKIM-Signature: v=1; a=\u00e9",
                "DKIM-Signature: v=1; a=rsa-sha256; d=; s=; h=; b=; bh=")) {
            List<DkimResult> r = verify(junk + "\r\n" + HEADERS + "\r\n" + BODY, dns());
            assertThat(r).hasSize(1).extracting(DkimResult::status).doesNotContain(DkimResult.Status.PASS);
        }
    }

    /** A signature with l= covering the canonical body, verified after {@code appended} was added to it. */
    private DkimResult verifyWithLength(String appended) {
        List<HeaderField> headers = HeaderSection.parse(bytes(HEADERS));
        // Sign by hand with l=: Tern's signer never writes l=, but it must verify what others write.
        BodyCanonicalizer c = Canonicalization.RELAXED.body(DkimSigner.sha256());
        byte[] body = bytes(BODY);
        c.update(body, 0, body.length);
        String bh = java.util.Base64.getEncoder().encodeToString(c.finish());
        long length = c.length();
        String field = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed; l=" + length
                + "; h=from:subject; bh=" + bh + "; b=";
        byte[] data = SignedHeaders.data(headers, List.of("from", "subject"), Canonicalization.RELAXED, field);
        SigningKey key = new SigningKey("example.com", "ed", SigningKey.Algorithm.ED25519_SHA256, ED.getPrivate());
        field += java.util.Base64.getEncoder().encodeToString(DkimSigner.sign(key, data));
        return verify(field + "\r\n" + HEADERS + "\r\n" + BODY + appended, dns()).getFirst();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
