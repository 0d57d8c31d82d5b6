package dev.tern.mailauth.arc;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.TableResolver;
import dev.tern.mailauth.dkim.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Keys, a message and helpers shared by the ARC tests. */
final class ArcFixtures {
    static final long T = 1_700_000_000L;
    static final Clock SEAL_CLOCK = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
    static final Clock VERIFY_CLOCK = Clock.fixed(Instant.ofEpochSecond(T + 3600), ZoneOffset.UTC);
    /** The forwarder Tern plays, the second Tern hop, and the sealer dkimpy plays. */
    static final KeyPair FORWARDER = rsa();
    static final KeyPair LIST = rsa();
    static final KeyPair PYTHON = rsa();
    static final String HEADERS = """
            Received: from mail.example.com by mx.forwarder.example; Tue, 14 Nov 2023 22:13:20 +0000
            From: Alice <alice@example.com>
            To: Bob <bob@forwarder.example>
            Subject: Lunch
            Date: Tue, 14 Nov 2023 22:13:20 +0000
            Message-ID: <1@example.com>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            """.replace("\n", "\r\n");
    static final String BODY = "Hello Bob,\r\n\r\nlunch at noon?\r\n";

    private ArcFixtures() {}

    static SigningKey key(String domain, String selector, KeyPair pair) {
        return new SigningKey(domain, selector, SigningKey.Algorithm.RSA_SHA256, pair.getPrivate());
    }

    static ArcSealer forwarder() {
        return new ArcSealer(key("forwarder.example", "arc", FORWARDER), "mx.forwarder.example", SEAL_CLOCK);
    }

    static ArcSealer list() {
        return new ArcSealer(key("list.example", "seal", LIST), "mx.list.example", SEAL_CLOCK);
    }

    static String record(KeyPair pair) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** The key records of all three sealers, by DNS name. */
    static Map<String, String> records() {
        return Map.of("arc._domainkey.forwarder.example", record(FORWARDER),
                "seal._domainkey.list.example", record(LIST),
                "py._domainkey.py.example", record(PYTHON));
    }

    static TableResolver dns() {
        TableResolver dns = new TableResolver();
        records().forEach(dns::txt);
        return dns;
    }

    static ArcResult verify(String message) {
        return verify(message, dns());
    }

    static ArcResult verify(String message, TableResolver dns) {
        byte[][] parts = split(bytes(message));
        return new ArcVerifier(dns, VERIFY_CLOCK).verify(HeaderSection.parse(parts[0]), parts[1]);
    }

    /** Validates the chain of {@code message} as received, then seals it with {@code sealer}. */
    static String seal(ArcSealer sealer, String message, String payload) {
        return String.join("", sealFields(sealer, message, payload, verify(message))) + message;
    }

    static List<String> sealFields(ArcSealer sealer, String message, String payload, ArcResult verified) {
        byte[][] parts = split(bytes(message));
        ArcSealer.Sealing s = sealer.begin();
        s.body(parts[1], 0, parts[1].length);
        return s.finish(HeaderSection.parse(parts[0]), payload, verified);
    }

    static List<HeaderField> headers(String message) {
        return HeaderSection.parse(split(bytes(message))[0]);
    }

    static String message() {
        return HEADERS + "\r\n" + BODY;
    }

    /** Header section and body of a message, split at the first empty line. */
    static byte[][] split(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return new byte[][] {Arrays.copyOf(message, i + 2), Arrays.copyOfRange(message, i + 4, message.length)};
            }
        }
        return new byte[][] {message, new byte[0]};
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
