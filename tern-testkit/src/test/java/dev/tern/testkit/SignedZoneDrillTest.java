package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.RequiredTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SignedZone}'s answers checked by an independent validator, ldns's {@code drill -S} (Debian ldnsutils): it
 * chases every signature and denial from {@link TestDns} to the zone's DS as trust anchor.
 */
class SignedZoneDrillTest {
    private static final Path DRILL = Path.of("/usr/bin/drill");

    @TempDir
    static Path dir;

    private static TestDns dns;
    private static Path anchor;

    @BeforeAll
    static void serve() throws Exception {
        RequiredTool.requireExecutable(DRILL, "ldnsutils");
        dns = TestDns.start();
        SignedZone zone = SignedZone.create("dane.test");
        dns.serve(zone);
        zone.mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "192.0.2.1")
                .tlsa("_25._tcp.mx.dane.test", 3, 1, 1, new byte[32])
                .cname("alias.dane.test", "mx.dane.test")
                .a("bad.dane.test", "192.0.2.2").fault("bad.dane.test", SignedZone.Fault.BAD_SIGNATURE)
                .a("old.dane.test", "192.0.2.3").fault("old.dane.test", SignedZone.Fault.EXPIRED_SIGNATURE)
                .a("bare.dane.test", "192.0.2.4").fault("bare.dane.test", SignedZone.Fault.NO_SIGNATURE)
                .delegateInsecure("child.dane.test");
        anchor = dir.resolve("anchor.ds");
        Files.writeString(anchor, zone.trustAnchor());
    }

    @AfterAll
    static void stop() {
        if (dns != null) dns.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # signed answers, a signed CNAME, NODATA and NXDOMAIN proven by NSEC, the proof of an
            # insecure delegation (no DS; drill does not chase into the unsigned child itself)
            _25._tcp.mx.dane.test | TLSA | true
            dane.test             | MX   | true
            alias.dane.test       | A    | true
            mx.dane.test          | MX   | true
            nothing.dane.test     | A    | true
            _25._tcp.x.dane.test  | TLSA | true
            child.dane.test       | DS   | true
            # the faults
            bad.dane.test         | A    | false
            old.dane.test         | A    | false
            bare.dane.test        | A    | false
            """)
    void drillChasesTheChainOfTrust(String name, String type, boolean valid) throws Exception {
        Process drill = new ProcessBuilder(DRILL.toString(), "-D", "-S", "-k", anchor.toString(),
                "-p", String.valueOf(dns.address().getPort()), name, "@127.0.0.1", type)
                .redirectErrorStream(true).start();
        String out = new String(drill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(drill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains(valid ? ";; Chase successful" : ";; Chase failed");
    }
}
