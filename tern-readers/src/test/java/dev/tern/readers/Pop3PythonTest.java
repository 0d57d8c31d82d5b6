package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Python's poplib, a real client, over STLS and over implicit TLS. */
class Pop3PythonTest {
    @TempDir
    Path dir;
    private Pop3Fixture fixture;

    @BeforeEach
    void start() throws IOException {
        RequiredTool.require(python() != null, "python3 is not installed (Debian package python3)");
        fixture = new Pop3Fixture(dir, Pop3Fixture.settings());
        fixture.deliver("Subject: one\n\n.starts with a dot\n");
        fixture.deliver("Subject: two\nFrom: b@c.test\n\nbody\n");
    }

    @AfterEach
    void stop() {
        if (fixture != null) fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"stls", "ssl"})
    void fetchesAndDeletes(String mode) throws Exception {
        Path script = dir.resolve("poplib_client.py");
        try (var in = getClass().getResourceAsStream("/pop3/poplib_client.py")) {
            Files.copy(in, script);
        }
        int port = mode.equals("ssl") ? fixture.tlsPort() : fixture.port();
        Process process = new ProcessBuilder(python(), script.toString(), "127.0.0.1", Integer.toString(port), mode,
                "Alice@local.test", "secret").redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("poplib finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("\"welcome\": \"+OK Tern POP3 server ready\"")
                .contains("\"stat\": [2, ")
                .contains("\"uidl\": [\"1 " + fixture.uniqueId(1) + "\", \"2 " + fixture.uniqueId(2) + "\"]")
                .contains("\"retr1\": [\"Subject: one\", \"\", \".starts with a dot\"]")
                .contains("\"top2\": [\"Subject: two\", \"From: b@c.test\", \"\"]")
                .contains("\"retr99\": \"b'-ERR no such message'\"")
                .contains("\"quit\": \"+OK Tern POP3 server signing off (1 deleted)\"")
                .contains("\"UIDL\"", "\"TOP\"", "\"RESP-CODES\"");
        assertThat(fixture.uids()).containsExactly(2L);
    }

    private static String python() {
        for (String candidate : new String[] {"/usr/bin/python3", "/usr/local/bin/python3"}) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String part : path.split(":")) {
            Path p = Path.of(part, "python3");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }
}
