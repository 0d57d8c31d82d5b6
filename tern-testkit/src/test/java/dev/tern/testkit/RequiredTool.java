package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real third-party program a test drives. Under CI ({@code CI=true}), where {@code .ci/run} installs it, a
 * missing one fails the test; on a developer's machine without it the test is skipped, saying what to install.
 */
final class RequiredTool {
    private RequiredTool() {}

    static void require(boolean present, String what) {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present).as("%s: .ci/run should have installed it", what).isTrue();
        }
        assumeTrue(present, what + " (skipped outside CI)");
    }

    static void requireExecutable(Path program, String debianPackage) {
        require(Files.isExecutable(program), program + " is not installed (Debian package " + debianPackage + ")");
    }
}
