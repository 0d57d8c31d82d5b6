package dev.tern.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tern and dkimpy (Debian python3-dkim), an independent implementation, check each other's signatures. */
class DkimpyInteropTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    static Path dir;

    @BeforeAll
    static void requireDkimpy() throws Exception {
        RequiredTool.require(RequiredTool.systemPythonHas("dkim, nacl"), "dkimpy with pynacl is not installed (Debian packages python3-dkim, "
                + "python3-nacl)");
        try (InputStream in = DkimpyInteropTest.class.getResourceAsStream("dkimpy_tool.py")) {
            Files.write(dir.resolve("dkimpy_tool.py"), in.readAllBytes());
        }
    }

    @Test
    void dkimpyVerifiesTernsEd25519AndRsaSignatures() throws Exception {
        String message = DkimTest.signed();
        assertThat(dkimpyVerify(message, 2)).containsExactly("pass", "pass");
    }

    @Test
    void dkimpyRejectsTernsSignaturesOnAnAlteredMessage() throws Exception {
        String message = DkimTest.signed().replace("lunch at noon", "lunch at one");
        assertThat(dkimpyVerify(message, 2)).allMatch(r -> r.startsWith("fail"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # algorithm     | header  | body    | alter the message after signing | Tern's result
            ed25519-sha256  | relaxed | relaxed | ''                              | PASS
            ed25519-sha256  | simple  | simple  | ''                              | PASS
            rsa-sha256      | relaxed | relaxed | ''                              | PASS
            rsa-sha256      | simple  | simple  | ''                              | PASS
            rsa-sha256      | relaxed | simple  | ''                              | PASS
            # relaxed survives white space changes, simple does not
            ed25519-sha256  | relaxed | relaxed | Subject:  Lunch                 | PASS
            ed25519-sha256  | simple  | simple  | Subject:  Lunch                 | FAIL
            # altered content fails
            ed25519-sha256  | relaxed | relaxed | Subject: Dinner                 | FAIL
            rsa-sha256      | relaxed | relaxed | Subject: Dinner                 | FAIL
            rsa-sha256      | simple  | simple  | body                            | FAIL
            """)
    void ternVerifiesDkimpysSignatures(String algorithm, String header, String body, String alter,
            DkimResult.Status expected) throws Exception {
        String unsigned = DkimTest.HEADERS + "\r\n" + DkimTest.BODY;
        Path msg = dir.resolve("unsigned.eml");
        Files.writeString(msg, unsigned, StandardCharsets.UTF_8);
        Path key = dir.resolve(algorithm + ".key");
        String selector = algorithm.startsWith("rsa") ? "rsa" : "ed";
        Files.writeString(key, algorithm.startsWith("rsa") ? pkcs1Pem() : ed25519Seed());
        String field = run(List.of(PYTHON.toString(), dir.resolve("dkimpy_tool.py").toString(), "sign",
                msg.toString(), selector, "example.com", key.toString(), algorithm, header, body));
        String message = field.replace("\r\n", "\n").replace("\n", "\r\n") + unsigned;
        if (alter.equals("body")) {
            message = message.replace("lunch at noon", "lunch at one");
        } else if (!alter.isEmpty()) {
            message = message.replace("Subject: Lunch", alter);
        }
        assertThat(DkimTest.verify(message, DkimTest.dns(), java.time.Clock.systemUTC())).extracting(DkimResult::status).containsExactly(expected);
    }

    private static List<String> dkimpyVerify(String message, int count) throws Exception {
        Path msg = dir.resolve("signed.eml");
        Files.writeString(msg, message, StandardCharsets.UTF_8);
        Path records = dir.resolve("records.json");
        Files.writeString(records, "{\"ed._domainkey.example.com\": \"" + DkimTest.edRecord()
                + "\", \"rsa._domainkey.example.com\": \"" + DkimTest.rsaRecord() + "\"}");
        String out = run(List.of(PYTHON.toString(), dir.resolve("dkimpy_tool.py").toString(), "verify",
                msg.toString(), records.toString(), Integer.toString(count)));
        return Arrays.asList(out.strip().split("\n"));
    }

    /** dkimpy wants RSA keys as PKCS#1 RSAPrivateKey PEM. */
    private static String pkcs1Pem() throws IOException {
        byte[] pkcs1 = PrivateKeyInfo.getInstance(DkimTest.RSA.getPrivate().getEncoded()).parsePrivateKey()
                .toASN1Primitive().getEncoded();
        return "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n";
    }

    /** dkimpy wants Ed25519 keys as the base64 32-octet seed (the end of the RFC 8410 PKCS#8 form). */
    private static String ed25519Seed() {
        byte[] pkcs8 = DkimTest.ED.getPrivate().getEncoded();
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, 16, 48));
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

}
