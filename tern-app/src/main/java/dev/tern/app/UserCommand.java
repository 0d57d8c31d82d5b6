package dev.tern.app;

import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import dev.tern.auth.Account;
import dev.tern.auth.AccountChange;
import dev.tern.auth.AccountStore;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tern user add|passwd|del|list}: manage the accounts in {@code <data>/accounts} (docs/accounts.md).
 * A running server sees the change within a second, without a restart.
 *
 * <p>Passwords come from the terminal, without echo and asked twice, or with {@code --password-stdin} as the
 * first line of standard input (for scripts). They are never printed. Exit codes: 0 done, 1 refused or failed
 * (one line on stderr saying why), 2 wrong command line or config file.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage the accounts that may log in (AUTH).",
        subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Del.class, UserCommand.List.class})
final class UserCommand {
    /** Longest password line read from stdin; longer input is refused, not truncated. */
    private static final int MAX_LINE = 4096;

    /** Where the accounts are: {@code --data DIR} (default {@code ./data}) or the config's data directory. */
    static final class Location {
        static final class Choice {
            @Option(names = "--data", paramLabel = "DIR", description = "the data directory (default: ./data)")
            Path data;

            @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "take the data directory from this config file")
            Path config;
        }

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Choice choice;

        /** The data directory, or null after reporting an invalid config file. */
        Path dataDirectory() {
            if (choice == null || choice.config == null) return choice == null ? Path.of("data") : choice.data;
            return switch (ConfigLoader.load(choice.config)) {
                case ConfigResult.Loaded loaded -> loaded.config().dataDirectory();
                case ConfigResult.Invalid invalid -> {
                    ConfigCommand.report(spec.commandLine().getErr(), choice.config, invalid);
                    yield null;
                }
            };
        }
    }

    /** The steps every subcommand shares: find the store, run, turn outcomes into exit codes. */
    abstract static class Action implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Override
        public final Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Path data = location.dataDirectory();
            if (data == null) return 2;
            try {
                return run(AccountStore.open(data), spec.commandLine().getOut(), err);
            } catch (IOException e) {
                err.println("tern: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                return 1;
            }
        }

        abstract int run(AccountStore store, PrintWriter out, PrintWriter err) throws IOException;

        static int report(AccountChange change, String done, PrintWriter out, PrintWriter err) {
            return switch (change) {
                case AccountChange.Done d -> {
                    out.println(done + " " + d.account().username());
                    yield 0;
                }
                case AccountChange.Refused r -> {
                    err.println("tern: " + r.reason());
                    yield 1;
                }
            };
        }
    }

    /** An action that sets a password: reads it from the terminal or stdin. */
    abstract static class PasswordAction extends Action {
        @Parameters(paramLabel = "USER", description = "the account's email address, e.g. alice@example.com")
        String user;

        @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
        boolean passwordStdin;

        /** The password, or null after saying on {@code err} why there is none. */
        String password(PrintWriter err) throws IOException {
            if (passwordStdin) {
                String line = firstLine(System.in);
                if (line == null) err.println("tern: no password on standard input");
                return line;
            }
            Console console = System.console();
            if (console == null || !console.isTerminal()) {
                err.println("tern: no terminal to ask for the password; use --password-stdin");
                return null;
            }
            char[] first = console.readPassword("Password for %s: ", user);
            char[] second = first == null ? null : console.readPassword("Repeat the password: ");
            try {
                if (first == null || second == null) {
                    err.println("tern: no password given");
                    return null;
                }
                if (!Arrays.equals(first, second)) {
                    err.println("tern: the passwords do not match");
                    return null;
                }
                return new String(first);
            } finally {
                if (first != null) Arrays.fill(first, '\0');
                if (second != null) Arrays.fill(second, '\0');
            }
        }

        /** The first line of {@code in} without its line ending, read byte by byte so nothing more is consumed. */
        private static String firstLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (line.size() == MAX_LINE) throw new IOException("password line longer than " + MAX_LINE + " octets");
                line.write(b);
            }
            if (b == -1 && line.size() == 0) return null;
            String text = line.toString(StandardCharsets.UTF_8);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an account and set its password.")
    static final class Add extends PasswordAction {
        @Override
        int run(AccountStore store, PrintWriter out, PrintWriter err) throws IOException {
            if (store.find(user).isPresent()) {
                err.println("tern: account " + store.find(user).get().username() + " exists");
                return 1; // said before asking for a password that would be thrown away
            }
            String password = password(err);
            return password == null ? 1 : report(store.add(user, password), "added", out, err);
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a new password for an account.")
    static final class Passwd extends PasswordAction {
        @Override
        int run(AccountStore store, PrintWriter out, PrintWriter err) throws IOException {
            String password = password(err);
            return password == null ? 1 : report(store.passwd(user, password), "password changed for", out, err);
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Delete an account.")
    static final class Del extends Action {
        @Parameters(paramLabel = "USER", description = "the account's email address")
        String user;

        @Override
        int run(AccountStore store, PrintWriter out, PrintWriter err) throws IOException {
            return report(store.delete(user), "deleted", out, err);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts, one a line.")
    static final class List extends Action {
        @Override
        int run(AccountStore store, PrintWriter out, PrintWriter err) {
            for (Account account : store.list()) out.println(account.username());
            return 0;
        }
    }
}
