package dev.tern.mailauth.arc;

import static dev.tern.mailauth.arc.ArcFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent implementation: dkimpy's {@code arc_verify} validates chains Tern seals, and Tern validates chains
 * {@code arc_sign} seals. dkimpy gets the keys from a table through its {@code dnsfunc} ({@code arc_tool.py}).
 */
class DkimpyArcTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String PAYLOAD = "spf=pass smtp.mailfrom=alice@example.com";
    private static final Pattern CV = Pattern.compile("\"cv\": (?:\"([a-z]+)\"|null), \"reason\": \"(.*)\"");

    @TempDir
    Path dir;

    @BeforeEach
    void requireDkimpy() throws Exception {
        RequiredTool.require(RequiredTool.systemPythonHas("dkim, authres"), "dkimpy with authres for " + PYTHON + " (Debian packages python3-dkim, "
                + "python3-authres)");
    }

    @Test
    void dkimpyValidatesOneHopTernSealed() throws Exception {
        assertThat(dkimpyVerify(seal(forwarder(), message(), PAYLOAD))).isEqualTo("pass");
    }

    @Test
    void dkimpyValidatesTwoHopsTernSealed() throws Exception {
        assertThat(dkimpyVerify(seal(list(), seal(forwarder(), message(), PAYLOAD), PAYLOAD))).isEqualTo("pass");
    }

    @Test
    void dkimpySealsFirstTernSealsSecondAndBothValidate() throws Exception {
        String first = dkimpySeal(received("mx.py.example", "spf=pass smtp.mailfrom=alice@example.com"));
        ArcResult r = verify(first);
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(r.sealerDomains()).containsExactly("py.example");
        assertThat(r.authservIds()).containsExactly("mx.py.example");
        String second = seal(forwarder(), first, PAYLOAD);
        assertThat(verify(second).status()).isEqualTo(ArcResult.Status.PASS);
        assertThat(verify(second).cvs()).containsExactly(ChainValidation.NONE, ChainValidation.PASS);
        assertThat(dkimpyVerify(second)).isEqualTo("pass");
    }

    @Test
    void ternValidatesTwoInstancesDkimpySealed() throws Exception {
        String first = dkimpySeal(received("mx.py.example", "spf=pass smtp.mailfrom=alice@example.com"));
        String second = dkimpySeal("Authentication-Results: mx.py.example; arc=pass\r\n" + first);
        ArcResult r = verify(second);
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(r.instances()).isEqualTo(2);
        assertThat(r.cvs()).containsExactly(ChainValidation.NONE, ChainValidation.PASS);
        assertThat(r.oldestPass()).isZero();
    }

    @Test
    void ternFailsDkimpyChainsThatWereTamperedWith() throws Exception {
        String sealed = dkimpySeal(received("mx.py.example", "spf=pass smtp.mailfrom=alice@example.com"));
        // The body changed after sealing: the newest AMS's body hash no longer matches (§5.2 step 4).
        assertThat(verify(sealed.replace("lunch at noon", "lunch at one")).status()).isEqualTo(ArcResult.Status.FAIL);
        // The AMS was removed: the set is incomplete (§5.2 step 3.1).
        String noAms = withoutField(sealed, "ARC-Message-Signature");
        assertThat(verify(noAms).reason()).contains("has no ARC-Message-Signature");
        assertThat(verify(noAms).status()).isEqualTo(ArcResult.Status.FAIL);
        // The numbering is broken: i=1 became i=2 (§5.2 step 3.2).
        String renumbered = sealed.replace("i=1;", "i=2;");
        assertThat(verify(renumbered).status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(verify(renumbered).reason()).contains("i=1 is missing");
    }

    @Test
    void dkimpyFailsTernChainsThatWereTamperedWith() throws Exception {
        String sealed = seal(forwarder(), message(), PAYLOAD);
        assertThat(dkimpyVerify(sealed.replace("lunch at noon", "lunch at one"))).isEqualTo("fail");
        assertThat(dkimpyVerify(sealed.replace("Subject: Lunch", "Subject: Dinner"))).isEqualTo("fail");
    }

    private static String received(String authservId, String results) {
        return "Authentication-Results: " + authservId + "; " + results + "\r\n" + message();
    }

    private static String withoutField(String message, String name) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : message.split("(?<=\r\n)")) {
            if (line.startsWith(name + ":")) skipping = true;
            else if (!line.startsWith(" ") && !line.startsWith("\t")) skipping = false;
            if (!skipping) out.append(line);
        }
        return out.toString();
    }

    /** dkimpy seals {@code message} as {@code py._domainkey.py.example}, srv_id mx.py.example. */
    private String dkimpySeal(String message) throws Exception {
        Path key = dir.resolve("py.pem");
        Files.writeString(key, pkcs1Pem(pythonKey()), StandardCharsets.US_ASCII);
        String fields = run("seal", message, "py", "py.example", key.toString(), "mx.py.example",
                Long.toString(T));
        assertThat(fields).as("dkimpy sealed").startsWith("ARC-Seal:");
        return fields + message;
    }

    private String dkimpyVerify(String message) throws Exception {
        String out = run("verify", message).strip();
        Matcher m = CV.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1) == null ? "null" : m.group(1);
    }

    private String run(String mode, String message, String... args) throws Exception {
        Path script = dir.resolve("arc_tool.py");
        try (InputStream in = DkimpyArcTest.class.getResourceAsStream("arc_tool.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, json(records()));
        Path file = Files.createTempFile(dir, "message", ".eml");
        Files.write(file, bytes(message));
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), mode, keys.toString(),
                file.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();
        return out;
    }

    private static KeyPair pythonKey() {
        return ArcFixtures.PYTHON;
    }

    /** dkimpy reads PKCS#1 RSAPrivateKey PEM (RFC 8017); the JDK encodes PKCS#8, which wraps it. */
    private static String pkcs1Pem(KeyPair pair) throws IOException {
        byte[] pkcs1 = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive()
                .getEncoded();
        return "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n";
    }

    private static String json(Map<String, String> map) {
        StringBuilder out = new StringBuilder("{");
        map.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append('"').append(k).append("\": \"")
                .append(v).append('"'));
        return out.append('}').toString();
    }
}
