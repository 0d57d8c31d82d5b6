package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AccountStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python's smtplib, one of the clients the black-box suite uses; .ci/run installs python3. */
class PythonSmtplibTest {
    @TempDir
    Path data;

    private static final String SCRIPT = """
            import smtplib, ssl, sys
            port, submission, smtps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE  # test only
            with smtplib.SMTP("127.0.0.1", port, local_hostname="client.test") as s:
                s.sendmail("me@client.test", ["uma@localhost"], "Subject: plain\\r\\n\\r\\nhello\\r\\n")
                try:
                    s.sendmail("me@client.test", ["x@elsewhere.example"], "Subject: relay\\r\\n\\r\\nx\\r\\n")
                    print("RELAYED")
                except smtplib.SMTPRecipientsRefused as e:
                    print("refused", e.recipients["x@elsewhere.example"][0])
            with smtplib.SMTP("127.0.0.1", submission, local_hostname="client.test") as s:
                s.starttls(context=ctx)
                s.login("uma@localhost", "correct horse battery")
                s.sendmail("uma@localhost", ["vic@localhost"], "Subject: submitted\\r\\n\\r\\nhi\\r\\n")
            with smtplib.SMTP_SSL("127.0.0.1", smtps, context=ctx, local_hostname="client.test") as s:
                try:
                    s.login("uma@localhost", "wrong password")
                except smtplib.SMTPAuthenticationError as e:
                    print("auth", e.smtp_code)
            print("done")
            """;

    @Test
    void smtplibSendsRelaysNothingAndSubmitsWithStartTlsAndLogin() throws Exception {
        RequiredTool.requireExecutable(Path.of("/usr/bin/python3"), "python3");
        AccountStore.open(data).add("uma@localhost", "correct horse battery");
        try (TestServer server = TestServer.start(data)) {
            Path script = Files.writeString(data.resolve("client.py"), SCRIPT);
            Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(server.port()),
                    Integer.toString(server.submissionPort()), Integer.toString(server.smtpsPort()))
                    .redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(python.exitValue()).as(output).isZero();
            assertThat(output.lines().toList()).containsExactly("refused 550", "auth 535", "done");
            List<Path> plain = server.awaitMessages("uma", "localhost", 1, Duration.ofSeconds(10));
            List<Path> submitted = server.awaitMessages("vic", "localhost", 1, Duration.ofSeconds(10));
            assertThat(plain).hasSize(1);
            assertThat(submitted).hasSize(1);
            assertThat(Files.readString(submitted.getFirst())).contains("with ESMTPSA").contains("Subject: submitted");
        }
    }
}
