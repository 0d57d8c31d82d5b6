package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Playwright scripts of {@code browser-tests/}, run with Debian's node and chromium. */
final class BrowserScripts {
    /** Debian's node, which runs the scripts. */
    static final Path NODE = Path.of("/usr/bin/node");

    private BrowserScripts() {}

    /** The {@code browser-tests/} directory, once node, chromium and its node_modules are there (RequiredTool). */
    static Path directory() {
        RequiredTool.requireExecutable(NODE, "nodejs");
        RequiredTool.requireExecutable(Path.of("/usr/bin/chromium"), "chromium");
        Path tests = Path.of("..", "browser-tests").toAbsolutePath().normalize();
        RequiredTool.require(Files.isDirectory(tests.resolve("node_modules/playwright-core")),
                "browser-tests/node_modules (npm ci --prefix browser-tests)");
        return tests;
    }
}
