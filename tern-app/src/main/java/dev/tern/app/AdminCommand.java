package dev.tern.app;

import dev.tern.app.web.admin.AdminAuth;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tern admin add|del|list}: which accounts may log in to the web console and its REST API
 * ({@code <data>/web/admins}, docs/console.md). An admin must also be an account ({@code tern user add}); the
 * running server reads the file on every login. Exit codes: 0 done, 1 refused or failed, 2 wrong command line.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Manage who may use the web console.",
        subcommands = {AdminCommand.Add.class, AdminCommand.Del.class, AdminCommand.List.class})
final class AdminCommand {
    private AdminCommand() {}

    /** Reads the admins, lets the subcommand change them, writes them back when changed. */
    abstract static class Action extends DataDirectoryAction {
        @Override
        final int run(Path data, PrintWriter out, PrintWriter err) throws IOException {
            return apply(AdminAuth.readAdmins(data), out, err);
        }

        @Override
        String prefix() {
            return "tern admin: ";
        }

        abstract int apply(TreeSet<String> admins, PrintWriter out, PrintWriter err) throws IOException;

        Path data() {
            return location.dataDirectory();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Make an account an admin.")
    static final class Add extends Action {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int apply(TreeSet<String> admins, PrintWriter out, PrintWriter err) throws IOException {
            String a = address.toLowerCase(Locale.ROOT);
            if (!a.contains("@")) {
                err.println("tern admin: " + address + " is not an address");
                return 1;
            }
            if (!admins.add(a)) {
                err.println("tern admin: " + a + " is already an admin");
                return 1;
            }
            AdminAuth.writeAdmins(data(), admins);
            out.println("admin added: " + a);
            return 0;
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Stop an account being an admin.")
    static final class Del extends Action {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int apply(TreeSet<String> admins, PrintWriter out, PrintWriter err) throws IOException {
            String a = address.toLowerCase(Locale.ROOT);
            if (!admins.remove(a)) {
                err.println("tern admin: " + a + " is not an admin");
                return 1;
            }
            AdminAuth.writeAdmins(data(), admins);
            out.println("admin removed: " + a);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the admins.")
    static final class List extends Action {
        @Override
        int apply(TreeSet<String> admins, PrintWriter out, PrintWriter err) {
            admins.forEach(out::println);
            return 0;
        }
    }
}
