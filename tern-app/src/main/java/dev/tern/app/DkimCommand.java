package dev.tern.app;

import dev.tern.mailauth.dkim.DkimKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tern dkim keygen|list|activate|retire}: the DKIM keys in {@code <data>/dkim} (docs/dkim.md), with the
 * same {@code --data}/{@code --config} options as {@code tern user}. Exit codes: 0 done, 1 refused or failed (one
 * line on stderr), 2 wrong command line or config file. A running server reads the keys when it starts.
 */
@Command(name = "dkim", mixinStandardHelpOptions = true, description = "Manage the DKIM signing keys.",
        subcommands = {DkimCommand.Keygen.class, DkimCommand.List.class, DkimCommand.Activate.class,
                DkimCommand.Retire.class})
final class DkimCommand {
    private DkimCommand() {}

    /** Finds {@code <data>/dkim}, runs, turns failures into exit codes. */
    abstract static class Action extends DataDirectoryAction {
        @Override
        final int run(Path data, PrintWriter out, PrintWriter err) throws IOException {
            return run(data.resolve("dkim"), out);
        }

        abstract int run(Path dkim, PrintWriter out) throws IOException;

        static void print(java.util.List<DkimKeys.Key> keys, PrintWriter out) {
            for (DkimKeys.Key k : keys) {
                out.println(k.domain() + " " + k.selector() + " " + k.algorithm().tag() + " "
                        + (k.active() ? "active" : "inactive"));
                out.println("  " + k.dnsRecord());
            }
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make an Ed25519 and an RSA-2048 key for DOMAIN and print the DNS records to publish.")
    static final class Keygen extends Action {
        @Parameters(paramLabel = "DOMAIN", description = "the signing domain, e.g. example.com")
        String domain;

        @Option(names = "--selector", paramLabel = "S",
                description = "selector base; the keys are S-ed25519 and S-rsa (default: tern and the year and month)")
        String selector;

        @Override
        int run(Path dkim, PrintWriter out) throws IOException {
            String s = selector != null ? selector : DkimKeys.defaultSelector(LocalDate.now(ZoneOffset.UTC));
            java.util.List<DkimKeys.Key> keys = DkimKeys.generate(dkim, domain, s);
            out.println("Publish these DNS records:");
            for (DkimKeys.Key k : keys) out.println(k.dnsRecord());
            if (keys.stream().allMatch(DkimKeys.Key::active)) {
                out.println("The keys are active: Tern signs mail from " + keys.getFirst().domain() + " with them.");
            } else {
                out.println("The keys are inactive; once the records are published, run: tern dkim activate "
                        + keys.getFirst().domain() + " SELECTOR (for both selectors).");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the domains, their selectors, which are active, and their DNS records.")
    static final class List extends Action {
        @Override
        int run(Path dkim, PrintWriter out) throws IOException {
            print(DkimKeys.list(dkim), out);
            return 0;
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = "Start signing with SELECTOR.")
    static final class Activate extends Action {
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;

        @Parameters(index = "1", paramLabel = "SELECTOR")
        String selector;

        @Override
        int run(Path dkim, PrintWriter out) throws IOException {
            DkimKeys.activate(dkim, domain, selector);
            out.println("activated " + selector + " for " + domain);
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = "Stop signing with SELECTOR (the key file stays until you delete it).")
    static final class Retire extends Action {
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;

        @Parameters(index = "1", paramLabel = "SELECTOR")
        String selector;

        @Override
        int run(Path dkim, PrintWriter out) throws IOException {
            DkimKeys.retire(dkim, domain, selector);
            out.println("retired " + selector + " for " + domain);
            return 0;
        }
    }
}
