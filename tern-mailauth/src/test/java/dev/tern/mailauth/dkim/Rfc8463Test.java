package dev.tern.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.TableResolver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 8463 Appendix A: the example keys (A.2) and the doubly signed message (A.3). */
class Rfc8463Test {
    static final String MESSAGE = """
            DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;
             d=football.example.com; i=@football.example.com;
             q=dns/txt; s=brisbane; t=1528637909; h=from : to :
             subject : date : message-id : from : subject : date;
             bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;
             b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus
             Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==
            DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;
             d=football.example.com; i=@football.example.com;
             q=dns/txt; s=test; t=1528637909; h=from : to : subject :
             date : message-id : from : subject : date;
             bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;
             b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3
             DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz
             dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=
            From: Joe SixPack <joe@football.example.com>
            To: Suzie Q <suzie@shopping.example.net>
            Subject: Is dinner ready?
            Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)
            Message-ID: <20030712040037.46341.5F8J@football.example.com>

            Hi.

            We lost the game.  Are you hungry yet?

            Joe.
            """.replace("\n", "\r\n");

    static final String ED25519_RECORD = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    static final String RSA_RECORD = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
            + "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
            + "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
            + "Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

    @Test
    void bothExampleSignaturesVerify() {
        TableResolver dns = new TableResolver()
                .txt("brisbane._domainkey.football.example.com", ED25519_RECORD)
                .txt("test._domainkey.football.example.com", RSA_RECORD);
        DkimVerifier verifier = new DkimVerifier(dns, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"),
                ZoneOffset.UTC));
        byte[][] parts = split(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        List<DkimResult> results = verifier.verify(HeaderSection.parse(parts[0]), parts[1]);
        assertThat(results).extracting(DkimResult::status)
                .containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
        assertThat(results.getFirst()).returns("football.example.com", DkimResult::domain)
                .returns("brisbane", DkimResult::selector).returns("ed25519-sha256", DkimResult::algorithm)
                .returns("@football.example.com", DkimResult::identity).returns("/gCrinpc", DkimResult::headerB);
    }

    @Test
    void bodyHashMatchesTheExample() {
        byte[] body = split(MESSAGE.getBytes(StandardCharsets.US_ASCII))[1];
        BodyCanonicalizer c = Canonicalization.RELAXED.body(DkimSigner.sha256());
        c.update(body, 0, body.length);
        assertThat(Base64.getEncoder().encodeToString(c.finish()))
                .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    }

    @Test
    void alteredExampleFails() {
        TableResolver dns = new TableResolver()
                .txt("brisbane._domainkey.football.example.com", ED25519_RECORD)
                .txt("test._domainkey.football.example.com", RSA_RECORD);
        DkimVerifier verifier = new DkimVerifier(dns, Clock.systemUTC());
        byte[][] parts = split(MESSAGE.replace("Is dinner ready?", "Is dinner ready!")
                .getBytes(StandardCharsets.US_ASCII));
        List<HeaderField> headers = HeaderSection.parse(parts[0]);
        assertThat(verifier.verify(headers, parts[1])).extracting(DkimResult::status)
                .containsExactly(DkimResult.Status.FAIL, DkimResult.Status.FAIL);
    }

    /** The header section and the body of a message, split at the first empty line. */
    static byte[][] split(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return new byte[][] {Arrays.copyOfRange(message, 0, i + 2),
                    Arrays.copyOfRange(message, i + 4, message.length)};
            }
        }
        return new byte[][] {message, new byte[0]};
    }
}
