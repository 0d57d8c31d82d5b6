package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REQUIRETLS on receipt (RFC 8689 §4) with Python's smtplib: offered after STARTTLS only, and then accepted. */
class RequireTlsWireTest {
    @TempDir
    Path data;

    private static final String SCRIPT = """
            import smtplib, ssl, sys
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE  # test only
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test") as s:
                s.ehlo()
                print("before", s.has_extn("requiretls"), s.has_extn("starttls"))
                print("mail", s.mail("me@client.test", ["REQUIRETLS"])[0])
                s.rset()
                s.starttls(context=ctx)
                s.ehlo()
                print("after", s.has_extn("requiretls"))
                s.sendmail("me@client.test", ["uma@localhost"], "Subject: tls only\\r\\n\\r\\nhi\\r\\n",
                           mail_options=["REQUIRETLS"])
            print("done")
            """;

    @Test
    void requireTlsIsOfferedAndAcceptedOnlyAfterStartTls() throws Exception {
        RequiredTool.requireExecutable(Path.of("/usr/bin/python3"), "python3");
        try (TestServer server = TestServer.start(data)) {
            Path script = Files.writeString(data.resolve("client.py"), SCRIPT);
            Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(server.port()))
                    .redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(python.exitValue()).as(output).isZero();
            // RFC 8689 §4: not offered in plaintext, and 530 5.7.10 when used there; offered and accepted over TLS.
            assertThat(output.lines().toList()).containsExactly("before False True", "mail 530", "after True", "done");
            List<Path> delivered = server.awaitMessages("uma", "localhost", 1, Duration.ofSeconds(10));
            assertThat(delivered).hasSize(1);
            // The Received: protocol keyword stays ESMTPS (RFC 3848); REQUIRETLS does not change it.
            assertThat(Files.readString(delivered.getFirst())).contains("with ESMTPS").contains("Subject: tls only");
        }
    }
}
