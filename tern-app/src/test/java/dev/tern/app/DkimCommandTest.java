package dev.tern.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mailauth.dkim.DkimKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern dkim}: keygen prints the records, the first keys become active, rotation by activate and retire. */
class DkimCommandTest {
    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int tern(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return Main.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void keygenWritesPrivateKeysAndPrintsTheRecords() throws Exception {
        String data = dir.resolve("data").toString();
        assertThat(tern("dkim", "keygen", "Example.COM", "--selector", "s1", "--data", data)).isZero();
        assertThat(out.toString()).contains("s1-ed25519._domainkey.example.com. IN TXT \"v=DKIM1; k=ed25519; p=")
                .contains("s1-rsa._domainkey.example.com. IN TXT ( \"v=DKIM1; k=rsa; p=MII").contains("active");
        Path key = dir.resolve("data/dkim/example.com/s1-rsa.key");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(DkimKeys.signers(dir.resolve("data/dkim"), Clock.systemUTC()).get("example.com").keys())
                .hasSize(2);
        // the same selector again is refused; keys are never overwritten
        assertThat(tern("dkim", "keygen", "example.com", "--selector", "s1", "--data", data)).isEqualTo(1);
    }

    @Test
    void rotationPublishesThenActivatesThenRetires() throws Exception {
        String data = dir.resolve("data").toString();
        assertThat(tern("dkim", "keygen", "example.com", "--selector", "old", "--data", data)).isZero();
        assertThat(tern("dkim", "keygen", "example.com", "--selector", "new", "--data", data)).isZero();
        assertThat(out.toString()).contains("inactive", "tern dkim activate example.com");
        assertThat(tern("dkim", "activate", "example.com", "new-ed25519", "--data", data)).isZero();
        assertThat(tern("dkim", "activate", "example.com", "new-rsa", "--data", data)).isZero();
        assertThat(tern("dkim", "retire", "example.com", "old-ed25519", "--data", data)).isZero();
        assertThat(tern("dkim", "retire", "example.com", "old-rsa", "--data", data)).isZero();
        assertThat(tern("dkim", "list", "--data", data)).isZero();
        assertThat(out.toString()).contains("example.com new-ed25519 ed25519-sha256 active",
                "example.com old-rsa rsa-sha256 inactive", "new-rsa._domainkey.example.com. IN TXT");
        assertThat(DkimKeys.signers(dir.resolve("data/dkim"), Clock.systemUTC()).get("example.com").keys())
                .extracting(k -> k.selector()).containsExactlyInAnyOrder("new-ed25519", "new-rsa");
        assertThat(tern("dkim", "retire", "example.com", "old-rsa", "--data", data)).isEqualTo(1);
        assertThat(tern("dkim", "activate", "example.com", "nonesuch", "--data", data)).isEqualTo(1);
        assertThat(err.toString()).contains("no key nonesuch");
    }
}
