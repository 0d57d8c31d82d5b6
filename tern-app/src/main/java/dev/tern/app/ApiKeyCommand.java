package dev.tern.app;

import dev.tern.app.web.api.ApiKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tern apikey add|del|list}: manage the keys of the HTTP submission API in {@code <data>/web/apikeys}
 * (docs/http-api.md). {@code add} prints the secret once; only its SHA-256 is stored. A running server sees the
 * change without a restart. Exit codes: 0 done, 1 refused or failed, 2 wrong command line or config file.
 */
@Command(name = "apikey", mixinStandardHelpOptions = true, description = "Manage the keys of the HTTP submission API.",
        subcommands = {ApiKeyCommand.Add.class, ApiKeyCommand.Del.class, ApiKeyCommand.List.class})
final class ApiKeyCommand {
    /** Finds the key file, runs, and turns failures into one line and exit code 1. */
    abstract static class Action extends DataDirectoryAction {
        @Override
        final int run(Path data, PrintWriter out, PrintWriter err) throws IOException {
            return run(new ApiKeys(data), out, err);
        }

        abstract int run(ApiKeys keys, PrintWriter out, PrintWriter err) throws IOException;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a key and print its secret (shown only now).")
    static final class Add extends Action {
        @Parameters(paramLabel = "NAME", description = "the key's name, e.g. the application using it")
        String name;

        @Option(names = "--rate", paramLabel = "N", description = "messages per minute (default: 600)")
        int rate = ApiKeys.DEFAULT_RATE;

        @Option(names = "--from", paramLabel = "ADDR_OR_@DOMAIN", description = "a sender the key may use (repeatable; default: any)")
        java.util.List<String> from = new ArrayList<>();

        @Override
        int run(ApiKeys keys, PrintWriter out, PrintWriter err) throws IOException {
            out.println(keys.add(name, rate, from));
            return 0;
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Delete a key.")
    static final class Del extends Action {
        @Parameters(paramLabel = "NAME", description = "the key's name")
        String name;

        @Override
        int run(ApiKeys keys, PrintWriter out, PrintWriter err) throws IOException {
            if (!keys.delete(name)) {
                err.println("tern: no key named " + name);
                return 1;
            }
            out.println("deleted " + name);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys (names, rates, creation times; never secrets).")
    static final class List extends Action {
        @Override
        int run(ApiKeys keys, PrintWriter out, PrintWriter err) throws IOException {
            for (ApiKeys.Key key : keys.keys()) {
                out.println(key.name() + "\t" + key.rate() + "/min\t" + key.created() + "\t"
                        + (key.senders().isEmpty() ? "any sender" : String.join(",", key.senders())));
            }
            return 0;
        }
    }

    private ApiKeyCommand() {}
}
