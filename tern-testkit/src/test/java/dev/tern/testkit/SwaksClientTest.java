package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AccountStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** swaks, the SMTP test tool the README tells users to try; .ci/run installs it. */
class SwaksClientTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        RequiredTool.requireExecutable(Path.of("/usr/bin/swaks"), "swaks");
        try {
            AccountStore.open(data).add("alice@localhost", "correct horse battery");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static String swaks(String... args) throws IOException, InterruptedException {
        return swaksAt(server.port(), "sender@client.test", args);
    }

    private static String swaksAt(int port, String from, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/swaks", "--server", "127.0.0.1:" + port,
                "--helo", "client.test", "--from", from, "--timeout", "10"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void readmeExampleDelivers() throws Exception {
        String transcript = swaks("--to", "alice@localhost");
        assertThat(transcript).contains("<-  250 2.0.0");
        assertThat(server.awaitMessages("alice", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
    }

    @Test
    void readmeSubmissionExampleDeliversOverStartTlsWithAuth() throws Exception {
        // The README's submission command: STARTTLS on 2587, then AUTH PLAIN as the account.
        String transcript = swaksAt(server.submissionPort(), "alice@localhost", "--tls", "--auth", "PLAIN",
                "--auth-user", "alice@localhost", "--auth-password", "correct horse battery", "--to", "tess@localhost");
        assertThat(transcript).contains("<-  220 2.0.0 Ready to start TLS").contains("<~  235 2.7.0")
                .contains("<~  250 2.0.0");
        assertThat(server.awaitMessages("tess", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
    }

    @Test
    void pipelinedTransactionDelivers() throws Exception {
        String transcript = swaks("--pipeline", "--to", "pipe1@localhost,pipe2@localhost", "--body", "pipelined\n");
        assertThat(transcript).contains("<-  250 2.0.0");
        assertThat(server.awaitMessages("pipe1", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
        assertThat(server.awaitMessages("pipe2", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
    }
}
