package dev.tern.testbase;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real third-party program (or a machine capability) a test needs. Under CI ({@code CI=true}), where
 * {@code .ci/run} installs it, a missing one fails the test; on a developer's machine without it the test is
 * skipped, saying what to install.
 */
public final class RequiredTool {
    private RequiredTool() {}

    public static void require(boolean present, String what) {
        if ("true".equals(System.getenv("CI"))) assertTrue(present, what + ": .ci/run should have provided it");
        assumeTrue(present, what + " (skipped outside CI)");
    }

    /**
     * Whether the system's Python ({@code /usr/bin/python3}, where Debian's python3-* packages install; not a pyenv
     * one on the PATH) imports {@code modules} (comma-separated).
     */
    public static boolean systemPythonHas(String modules) {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) return false;
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import " + modules).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static void requireExecutable(Path program, String debianPackage) {
        require(Files.isExecutable(program), program + " is not installed (Debian package " + debianPackage + ")");
    }
}
