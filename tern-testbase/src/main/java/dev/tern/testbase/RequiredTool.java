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

    public static void requireExecutable(Path program, String debianPackage) {
        require(Files.isExecutable(program), program + " is not installed (Debian package " + debianPackage + ")");
    }
}
