package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mpop, a real POP3 fetcher, into a local mbox over STLS with SCRAM-SHA-256 and over implicit TLS with PLAIN,
 * trusting the server's self-signed certificate by file. Its UIDL file shows UIDs stable across sessions.
 */
class Pop3MpopTest {
    static final Path MPOP = Path.of("/usr/bin/mpop");

    @TempDir
    Path dir;
    private Pop3Fixture fixture;

    @BeforeEach
    void start() throws IOException {
        RequiredTool.requireExecutable(MPOP, "mpop");
        fixture = new Pop3Fixture(dir, Pop3Fixture.settings());
        fixture.deliver("Subject: one\nFrom: a@b.test\n\nFrom the start\n.dot\n");
        fixture.deliver("Subject: two\nFrom: a@b.test\n\nsecond\n");
    }

    @AfterEach
    void stop() {
        if (fixture != null) fixture.close();
    }

    @Test
    void fetchesOverStlsWithScramKeepingMailThenOnlyNewMail() throws Exception {
        Path mbox = dir.resolve("mbox");
        Path config = config("stls", fixture.port(), true, "scram-sha-256", mbox, true);
        assertThat(mpop(config)).contains("2 messages");
        String first = Files.readString(mbox, StandardCharsets.UTF_8);
        assertThat(first).contains("Subject: one", ">From the start", ".dot", "Subject: two");
        assertThat(fixture.uids()).containsExactly(1L, 2L);
        assertThat(Files.readString(dir.resolve("uidls-stls"))).contains(fixture.uniqueId(1), fixture.uniqueId(2));

        fixture.deliver("Subject: three\nFrom: a@b.test\n\nlate\n");
        mpop(config);
        String second = Files.readString(mbox, StandardCharsets.UTF_8);
        assertThat(second.substring(first.length())).contains("Subject: three").doesNotContain("Subject: one");
    }

    @Test
    void fetchesOverPop3sWithPlainAndDeletes() throws Exception {
        Path mbox = dir.resolve("mbox-tls");
        Path config = config("tls", fixture.tlsPort(), false, "plain", mbox, false);
        mpop(config);
        assertThat(Files.readString(mbox, StandardCharsets.UTF_8)).contains("Subject: one", "Subject: two");
        assertThat(fixture.uids()).isEmpty();
        assertThat(fixture.server.isLocked(Pop3Fixture.ALICE)).isFalse();
    }

    private Path config(String name, int port, boolean starttls, String auth, Path mbox, boolean keep) throws IOException {
        Path certificate = dir.resolve("tls/selfsigned-fullchain.pem");
        Path config = dir.resolve("mpoprc-" + name);
        Files.writeString(config, String.join("\n",
                "account default",
                "host 127.0.0.1",
                "port " + port,
                "timeout 20",
                "tls on",
                "tls_starttls " + (starttls ? "on" : "off"),
                "tls_trust_file " + certificate,
                "auth " + auth,
                "user alice@local.test",
                "password secret",
                "delivery mbox " + mbox,
                "uidls_file " + dir.resolve("uidls-" + name),
                "keep " + (keep ? "on" : "off"),
                ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        return config;
    }

    private String mpop(Path config) throws Exception {
        Process process = new ProcessBuilder(MPOP.toString(), "--file=" + config, "--half-quiet")
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("mpop finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
