package dev.tern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int tern(String... args) {
        return Main.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void configCheckPrintsOkForValidFile() throws Exception {
        Path file = Files.writeString(dir.resolve("tern.yaml"), "domains: [example.com]\nusers: [a@example.com]\n");

        assertThat(tern("config", "check", file.toString())).isZero();
        assertThat(out.toString()).isEqualTo("ok: " + file + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void configCheckAcceptsTheExampleFile() {
        assertThat(tern("config", "check", "../config/tern.example.yaml")).isZero();
        assertThat(out.toString()).startsWith("ok: ");
    }

    @Test
    void configCheckLoadsTheConfiguredCertificates() throws Exception {
        Path file = Files.writeString(dir.resolve("tern.yaml"), "data_dir: " + dir.resolve("data") + "\n"
                + "tls: {certificates: [{fullchain: " + dir.resolve("missing.pem") + ", private_key: "
                + dir.resolve("missing-key.pem") + "}]}\n");

        assertThat(tern("config", "check", file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith(file + ": tls.certificates: ").contains("missing.pem");
    }

    @Test
    void configCheckPrintsEachErrorWithFileAndKey() throws Exception {
        Path file = Files.writeString(dir.resolve("tern.yaml"), "hostnme: x\nsmtp: {listen: [\"127.0.0.1:70000\"]}\n");

        assertThat(tern("config", "check", file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).containsExactlyInAnyOrder(
                file + ": smtp.listen[0]: port must be a number from 0 to 65535",
                file + ": hostnme: unknown key");
    }

    @Test
    void configCheckReportsMissingFileWithoutStackTrace() {
        Path file = dir.resolve("missing.yaml");

        assertThat(tern("config", "check", file.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(file + ": file not found" + System.lineSeparator());
    }

    @Test
    void configCheckWithoutFileIsUsageError() {
        assertThat(tern("config", "check")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter", "Usage: tern config check");
    }

    @Test
    void runWithInvalidConfigExitsTwoBeforeStarting() throws Exception {
        Path file = Files.writeString(dir.resolve("tern.yaml"), "users: [alice@elsewhere.example]\n");

        assertThat(tern("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(file + ": users[0]: domain elsewhere.example is not one of the local domains");
    }

    @Test
    void versionNamesTern() {
        assertThat(tern("--version")).isZero();
        assertThat(out.toString()).startsWith("tern ").doesNotContain("unknown");
    }

    @Test
    void noSubcommandIsUsageError() {
        assertThat(tern()).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: tern");
    }

    @Test
    void unknownOptionIsUsageError() {
        assertThat(tern("run", "--bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--bogus'");
    }
}
