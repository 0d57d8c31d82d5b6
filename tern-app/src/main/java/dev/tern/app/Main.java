package dev.tern.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tern} command: {@code tern run [--config FILE]}, {@code tern config check FILE}, {@code --help}
 * and {@code --version}.
 *
 * <p>Exit codes: 0 success; 1 a failure ({@code config check} found mistakes, the server failed); 2 the command
 * line or the config file given to {@code run} is wrong. No stack trace reaches the terminal: a failure is
 * one line naming what went wrong.
 */
@Command(name = "tern", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Tern, a mail server.",
        subcommands = {RunCommand.class, ConfigCommand.class, UserCommand.class, AdminCommand.class, QueueCommand.class,
                DkimCommand.class, DnsCommand.class, ApiKeyCommand.class, dev.tern.app.sendmail.SendmailCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        dev.tern.app.log.RecentLogProvider.select(); // before the first logger: the console's recent log
        journalFriendlyLogs(System.getenv("JOURNAL_STREAM"));
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /**
     * Under systemd ({@code JOURNAL_STREAM} set), log lines carry no timestamp: journald stamps each line itself.
     * Must run before the first logger is made, as slf4j-simple reads its settings once. slf4j-simple cannot write
     * a {@code <N>} syslog priority prefix, so every line gets the unit's priority (docs/deploy.md).
     */
    static void journalFriendlyLogs(String journalStream) {
        if (journalStream != null && !journalStream.isEmpty()) {
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "false");
        }
    }

    /** Runs the command line {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine();
        commandLine.setOut(out);
        commandLine.setErr(err);
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The {@code tern} command tree, ready to execute; for callers that set their own output streams. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cl, parseResult) -> {
                    cl.getErr().println("tern: " + e);
                    return 1;
                });
    }

    /** The version written into {@code version.properties} by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) properties.load(in);
            }
            return new String[] {"tern " + properties.getProperty("version", "unknown")};
        }
    }
}
