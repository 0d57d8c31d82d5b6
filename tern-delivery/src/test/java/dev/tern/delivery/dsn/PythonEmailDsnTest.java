package dev.tern.delivery.dsn;

import dev.tern.testbase.RequiredTool;

import static dev.tern.delivery.dsn.DsnFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, independent parser: Python's {@code email} package reads the same DSNs and must find the same
 * structure and no defect. Under CI ({@code CI=true}) python3 must be there ({@code .ci/run} installs it);
 * elsewhere the test is skipped without it.
 */
class PythonEmailDsnTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void pythonsEmailPackageReadsTheSameReports(@TempDir Path dir) throws Exception {
        boolean present = Files.isExecutable(PYTHON);
        RequiredTool.require(present, PYTHON + " is not installed (Debian package python3)");

        Recipient bob = recipient("bob@remote.example", Set.of(), "rfc822;bob@old.example");
        Recipient carol = recipient("carol@remote.example");
        Recipient jose = Recipient.of(Mailbox.of("josé", "remote.example"));
        MailOptions utf8 = new MailOptions(0, MailOptions.Body.EIGHT_BIT_MIME, true, MailOptions.Ret.HDRS, "");
        List<Dsn> dsns = List.of(
                dsn(envelope(options(MailOptions.Ret.FULL, "env-1"), bob, carol), failed(bob), delayed(carol)),
                dsn(envelope(options(MailOptions.Ret.HDRS, ""), bob), failed(bob)),
                new Dsn(QUEUE_ID, new Envelope(ReversePath.of(SENDER), List.of(jose), utf8), ARRIVAL, NOW,
                        List.of(failed(jose))));
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script(dir).toString()));
        for (int i = 0; i < dsns.size(); i++) {
            Path file = dir.resolve("dsn" + i + ".eml");
            Files.write(file, compose(dsns.get(i), ORIGINAL).content());
            command.add(file.toString());
        }

        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).hasSize(3);

        assertThat(lines.get(0)).contains("\"type\": \"multipart/report\"", "\"report_type\": \"delivery-status\"",
                "\"parts\": [\"text/plain\", \"message/delivery-status\", \"message/rfc822\"]",
                "[\"Original-Envelope-Id\", \"env-1\"]", "[\"Reporting-MTA\", \"dns; mx.tern.test\"]",
                "[\"Original-Recipient\", \"rfc822;bob@old.example\"]", "[\"Action\", \"failed\"]",
                "[\"Final-Recipient\", \"rfc822;carol@remote.example\"]", "[\"Action\", \"delayed\"]",
                "[\"Will-Retry-Until\", \"Fri, 6 Jun 2025 10:00:00 +0000\"]", "\"defects\": []");
        assertThat(lines.get(1)).contains("\"parts\": [\"text/plain\", \"message/delivery-status\", \"text/rfc822-headers\"]",
                "\"defects\": []");
        assertThat(lines.get(2)).contains("\"report_type\": \"global-delivery-status\"",
                "\"parts\": [\"text/plain\", \"message/global-delivery-status\", \"message/global-headers\"]",
                "[\"Final-Recipient\", \"utf-8;josé@remote.example\"]", "\"defects\": []");
    }

    private static Path script(Path dir) throws Exception {
        Path script = dir.resolve("check_dsn.py");
        try (InputStream in = PythonEmailDsnTest.class.getResourceAsStream("check_dsn.py")) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }
}
