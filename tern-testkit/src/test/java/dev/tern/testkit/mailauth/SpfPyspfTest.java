package dev.tern.testkit.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mailauth.spf.SpfEvaluator;
import dev.tern.testbase.RequiredTool;
import dev.tern.testkit.TestDns;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-check with an independent implementation: pyspf (Debian's python3-spf) evaluates the same {@link SpfZone}
 * through dnspython pointed at the TestDns port, and must give Tern's result for every case.
 */
class SpfPyspfTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** Each case: client address and the sender domain (the sender is {@code <local>@<domain>}). */
    private static final List<String[]> CASES = List.of(
            c("192.0.2.1", "pass.spf.test", "a"), c("192.0.2.2", "pass.spf.test", "a"),
            c("192.0.2.2", "softfail.spf.test", "a"), c("192.0.2.2", "neutral.spf.test", "a"),
            c("192.0.2.2", "default.spf.test", "a"), c("192.0.2.2", "nothing.spf.test", "a"),
            c("192.0.2.2", "txtonly.spf.test", "a"), c("192.0.2.2", "two.spf.test", "a"),
            c("192.0.2.2", "spfandother.spf.test", "a"), c("192.0.2.1", "split.spf.test", "a"),
            c("192.0.2.2", "bad.spf.test", "a"), c("192.0.2.2", "badcidr.spf.test", "a"),
            c("192.0.2.2", "servfail.spf.test", "a"),
            c("2001:db8::5", "ip6.spf.test", "a"), c("2001:db9::5", "ip6.spf.test", "a"),
            c("192.0.2.1", "ip6.spf.test", "a"), c("192.0.2.200", "ip4cidr.spf.test", "a"),
            c("192.0.2.127", "ip4cidr.spf.test", "a"),
            c("192.0.2.10", "a.spf.test", "a"), c("2001:db8::10", "a.spf.test", "a"), c("192.0.2.11", "a.spf.test", "a"),
            c("192.0.2.99", "acidr.spf.test", "a"), c("2001:db8::ffff", "acidr.spf.test", "a"),
            c("198.51.100.1", "acidr.spf.test", "a"), c("192.0.2.2", "atemp.spf.test", "a"),
            c("192.0.2.2", "aempty.spf.test", "a"),
            c("192.0.2.21", "mx.spf.test", "a"), c("192.0.2.22", "mx.spf.test", "a"),
            c("192.0.2.23", "mxcidr.spf.test", "a"), c("192.0.2.20", "mx11.spf.test", "a"),
            c("192.0.2.30", "ptr.spf.test", "a"), c("192.0.2.31", "ptr.spf.test", "a"),
            c("192.0.2.32", "ptr.spf.test", "a"), c("192.0.2.30", "ptrother.spf.test", "a"),
            c("192.0.2.1", "exists.spf.test", "a"), c("192.0.2.2", "exists.spf.test", "a"),
            c("192.0.2.2", "macro.spf.test", "alice"), c("192.0.2.2", "macro.spf.test", "bob"),
            c("192.0.2.30", "pmacro.spf.test", "a"), c("192.0.2.31", "pmacro.spf.test", "a"),
            c("2001:db8::1", "v6macro.spf.test", "a"),
            c("192.0.2.1", "inc.spf.test", "a"), c("192.0.2.2", "inc.spf.test", "a"),
            c("192.0.2.2", "incsoft.spf.test", "a"), c("192.0.2.2", "incnone.spf.test", "a"),
            c("192.0.2.2", "inctemp.spf.test", "a"), c("192.0.2.2", "incperm.spf.test", "a"),
            c("192.0.2.1", "redir.spf.test", "a"), c("192.0.2.2", "redir.spf.test", "a"),
            c("192.0.2.2", "redirnone.spf.test", "a"), c("192.0.2.1", "redirall.spf.test", "a"),
            c("192.0.2.2", "exp.spf.test", "a"), c("192.0.2.2", "expredir.spf.test", "a"),
            c("192.0.2.2", "expinc.spf.test", "a"), c("192.0.2.2", "unknownmod.spf.test", "a"),
            c("198.51.100.1", "terms10.spf.test", "a"), c("198.51.100.1", "terms11.spf.test", "a"),
            c("192.0.2.2", "void2.spf.test", "a"), c("192.0.2.2", "void3.spf.test", "a"),
            c("192.0.2.2", "loop.spf.test", "a"), c("192.0.2.2", "chain1.spf.test", "a"));

    private static String[] c(String ip, String domain, String local) {
        return new String[] {ip, domain, local};
    }

    private static final String SCRIPT = """
            import sys, dns.resolver, spf
            r = dns.resolver.Resolver(configure=False)
            r.nameservers = ['127.0.0.1']
            r.port = int(sys.argv[1])
            r.lifetime = 5
            dns.resolver.default_resolver = r
            for line in sys.stdin:
                ip, sender, helo = line.split()
                result, explanation = spf.check2(i=ip, s=sender, h=helo)
                print(result + '|' + explanation, flush=True)
            """;

    @Test
    void pyspfAgreesOnEveryCase(@TempDir Path dir) throws Exception {
        RequiredTool.require(RequiredTool.systemPythonHas("spf, dns.resolver"), "pyspf is not installed (Debian packages python3-spf, python3-dnspython)");
        try (TestDns dns = TestDns.start()) {
            SpfZone.fill(dns);
            SpfEvaluator tern = new SpfEvaluator(new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0)));
            Path script = Files.writeString(dir.resolve("check.py"), SCRIPT);
            StringBuilder input = new StringBuilder();
            for (String[] c : CASES) input.append(c[0]).append(' ').append(c[2]).append('@').append(c[1]).append(" client.example\n");
            List<String> theirs = run(script, dns.address().getPort(), input.toString());
            assertThat(theirs).hasSize(CASES.size());
            assertThat(theirs.getFirst()).startsWith("pass|"); // pyspf asked our server, not the system's
            assertThat(theirs.get(1)).startsWith("fail|");
            long pyspfQueries = dns.queries("pass.spf.test", "TXT");
            List<String> disagreements = new ArrayList<>();
            for (int i = 0; i < CASES.size(); i++) {
                String[] c = CASES.get(i);
                var ours = tern.check(InetAddress.ofLiteral(c[0]), c[1], c[2] + "@" + c[1], "client.example");
                String[] pyspf = theirs.get(i).split("\\|", 2);
                // §6.2: where Tern found an explanation, pyspf must have expanded the same text
                if (ours.explanation().isPresent() && !ours.explanation().get().equals(pyspf[1])) {
                    disagreements.add(c[1] + " explanation: tern '" + ours.explanation().get() + "', pyspf '" + pyspf[1] + "'");
                }
                if (!ours.kind().token().equals(pyspf[0])) {
                    disagreements.add(c[1] + " from " + c[0] + ": tern " + ours.kind().token() + " (" + ours.reason()
                            + "), pyspf " + pyspf[0] + " (" + pyspf[1] + ")");
                }
            }
            assertThat(dns.queries("pass.spf.test", "TXT")).isGreaterThan(pyspfQueries);
            assertThat(pyspfQueries).isPositive();
            assertThat(disagreements).isEmpty();
        }
    }

    private static List<String> run(Path script, int port, String input) throws Exception {
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port)).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(System.err);
            } catch (IOException e) {
                // the process ended; its stderr is gone
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pyspf did not finish");
        }
        return out.lines().toList();
    }
}
