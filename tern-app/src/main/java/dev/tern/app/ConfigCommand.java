package dev.tern.app;

import dev.tern.app.config.ConfigError;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import dev.tern.tls.TlsContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern config …}: commands about the config file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the config file.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand {
    /**
     * Writes each error as {@code FILE: key: reason}, one a line, the form editors and CI logs link to.
     */
    static void report(PrintWriter err, Path file, ConfigResult.Invalid invalid) {
        for (ConfigError error : invalid.errors()) err.println(file + ": " + error);
        err.flush();
    }

    /**
     * Loads the configured certificates the way the server will, so a missing file or a key that does not match
     * its certificate is reported now rather than at start-up. With none configured there is nothing to check
     * (the server makes a self-signed one).
     */
    static Optional<String> checkCertificates(TernConfig config) {
        if (config.tls().certificates().isEmpty()) return Optional.empty();
        try {
            TlsContext.open(config.tls(), config.dataDirectory(), config.session().hostname());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** {@code tern config check FILE}: exits 0 and prints {@code ok: FILE} when the file is valid, else 1. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a config file: print ok, or each mistake as FILE: key: reason.")
    static final class Check implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the YAML config file")
        private Path file;

        @Override
        public Integer call() {
            return switch (ConfigLoader.load(file)) {
                case ConfigResult.Loaded loaded -> {
                    Optional<String> tls = checkCertificates(loaded.config());
                    if (tls.isPresent()) {
                        spec.commandLine().getErr().println(file + ": tls.certificates: " + tls.get());
                        yield 1;
                    }
                    spec.commandLine().getOut().println("ok: " + file);
                    yield 0;
                }
                case ConfigResult.Invalid invalid -> {
                    report(spec.commandLine().getErr(), file, invalid);
                    yield 1;
                }
            };
        }
    }
}
