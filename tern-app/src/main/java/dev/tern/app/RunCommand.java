package dev.tern.app;

import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tern run [--config FILE]}: serves mail until stopped, on the file's settings or the defaults. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the mail server until stopped (SIGTERM or Ctrl-C).",
                "Without --config: domain localhost, SMTP on 127.0.0.1:2525, data under ./data."})
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the YAML config file")
    private Optional<Path> config;

    @Option(names = "--capture", description = "capture mode: accept mail for any domain, deliver none outward, "
            + "keep it all for the capture API (docs/capture.md)")
    private boolean capture;

    @Override
    public Integer call() throws Exception {
        TernConfig settings = TernConfig.defaults();
        if (config.isPresent()) {
            switch (ConfigLoader.load(config.get())) {
                case ConfigResult.Loaded loaded -> settings = loaded.config();
                case ConfigResult.Invalid invalid -> {
                    ConfigCommand.report(spec.commandLine().getErr(), config.get(), invalid);
                    return 2;
                }
            }
        }
        if (capture) settings = settings.withWeb(settings.web().withCapture(true));
        try (Tern tern = new Tern(settings)) {
            tern.run();
        }
        return 0;
    }
}
