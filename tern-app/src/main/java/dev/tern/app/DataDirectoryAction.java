package dev.tern.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The steps the offline subcommands of {@code tern apikey}, {@code tern admin} and {@code tern dkim} share: find
 * the data directory ({@code --data DIR} or {@code --config FILE}, else {@code ./data}), run, and turn a failure
 * into one line and exit code 1 (2 for a config file with mistakes, reported already).
 */
abstract class DataDirectoryAction implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    UserCommand.Location location;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path data = location.dataDirectory();
        if (data == null) return 2;
        try {
            return run(data, out, err);
        } catch (IOException | IllegalArgumentException e) {
            err.println(prefix() + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** What a failure's line starts with. */
    String prefix() {
        return "tern: ";
    }

    abstract int run(Path data, PrintWriter out, PrintWriter err) throws IOException;
}
