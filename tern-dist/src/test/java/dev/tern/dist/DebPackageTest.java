package dev.tern.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.testbase.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Debian package the build makes: its files, its conffile and its scripts, read back with dpkg-deb. */
class DebPackageTest {
    private static final Path DPKG_DEB = Path.of("/usr/bin/dpkg-deb");

    private static Path deb() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("_all.deb")).findFirst().orElseThrow();
        }
    }

    private static String run(String... command) throws Exception {
        return run(System.getProperty("java.home"), 0, command);
    }

    private static String run(String javaHome, int exitCode, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", javaHome);
        Process p = builder.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(exitCode, p.exitValue(), out);
        return out;
    }

    @Test
    void packageHoldsTheServerTheUnitAndTheConfig() throws Exception {
        RequiredTool.requireExecutable(DPKG_DEB, "dpkg");
        String info = run(DPKG_DEB.toString(), "--info", deb().toString());
        assertTrue(info.contains("Package: tern"), info);
        assertTrue(info.contains("postinst"), info);
        assertTrue(info.contains("conffiles"), info);
        String contents = run(DPKG_DEB.toString(), "--contents", deb().toString());
        for (String expected : List.of("./usr/lib/tern/bin/tern", "./lib/systemd/system/tern.service",
                "./etc/tern/tern.yaml", "./usr/sbin/tern -> /usr/lib/tern/bin/tern",
                "./usr/lib/tern/lib/tern-app-", "./usr/lib/tern/lib/picocli-")) {
            assertTrue(contents.contains(expected), "the package holds " + expected + ":\n" + contents);
        }
        assertTrue(contents.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith("./usr/lib/tern/bin/tern")),
                contents);
    }

    @Test
    void extractedLauncherRunsTheServer(@TempDir Path root) throws Exception {
        RequiredTool.requireExecutable(DPKG_DEB, "dpkg");
        run(DPKG_DEB.toString(), "-x", deb().toString(), root.toString());
        String config = Files.readString(root.resolve("etc/tern/tern.yaml"));
        for (String port : List.of(":25\"", ":465\"", ":587\"", ":993\"", ":995\"")) {
            assertTrue(config.contains(port), "the production config listens on " + port);
        }
        assertTrue(config.contains("data_dir: /var/lib/tern"), config);
        // the launcher finds the jars beside itself, and Java through JAVA_HOME (this test's Java 25)
        String launcher = root.resolve("usr/lib/tern/bin/tern").toString();
        String version = run(launcher, "--version");
        assertTrue(version.toLowerCase().contains("tern"), version);
        String check = run(launcher, "config", "check", root.resolve("etc/tern/tern.yaml").toString());
        assertTrue(check.startsWith("ok:"), check);
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        if (Files.isExecutable(java17.resolve("bin/java"))) {
            String refused = run(java17.toString(), 1, launcher, "--version");
            assertTrue(refused.contains("needs Java 25"), refused);
        }
    }
}
