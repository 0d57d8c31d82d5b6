package dev.tern.app;

import dev.tern.app.control.ControlClient;
import dev.tern.app.control.ControlReply;
import dev.tern.app.control.ControlRequest;
import dev.tern.app.control.FlushTarget;
import dev.tern.app.control.Json;
import dev.tern.app.control.JsonValue;
import dev.tern.app.control.QueueText;
import dev.tern.mail.Domain;
import dev.tern.mail.QueueId;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tern queue list|show|summary|flush|hold|release|delete|bounce}: look at and steer the running server's
 * queue over its control socket (docs/queue.md), in Postfix's idioms ({@code mailq}, {@code qshape},
 * {@code postqueue -f}, {@code postsuper}). Human-readable by default; {@code --json} prints the server's
 * JSON lines for scripts.
 *
 * <p>Exit codes: 0 done; 1 refused (no such message, not supported, ...) or failed; 2 wrong command line or
 * config file; 75 (EX_TEMPFAIL) the server is not running; 77 (EX_NOPERM) not allowed to use the socket.
 */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Look at and steer the mail queue of the running server.",
        subcommands = {QueueCommand.List.class, QueueCommand.Show.class, QueueCommand.Summary.class,
                QueueCommand.Flush.class, QueueCommand.Hold.class, QueueCommand.Release.class,
                QueueCommand.Delete.class, QueueCommand.Bounce.class})
final class QueueCommand {
    static final int EX_TEMPFAIL = 75;
    static final int EX_NOPERM = 77;

    /** The steps every subcommand shares: find the socket, send one request, turn the reply into an exit code. */
    abstract static class Action implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        UserCommand.Location location;

        @Option(names = "--json", description = "print JSON (one object a line) instead of text")
        boolean json;

        @Override
        public final Integer call() throws IOException {
            Path data = location.dataDirectory();
            if (data == null) return 2;
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ControlReply reply = run(ControlClient.forDataDirectory(data), out);
            out.flush();
            return switch (reply) {
                case ControlReply.Ok ok -> {
                    done(ok.end(), out);
                    yield 0;
                }
                case ControlReply.Refused r -> {
                    err.println("tern: " + r.message());
                    yield r.error().equals("forbidden") ? EX_NOPERM : 1;
                }
                case ControlReply.NotRunning n -> {
                    err.println("tern: the server is not running: " + n.reason());
                    yield EX_TEMPFAIL;
                }
                case ControlReply.Broken b -> {
                    err.println("tern: " + b.reason());
                    yield 1;
                }
            };
        }

        abstract ControlReply run(ControlClient client, PrintWriter out) throws IOException;

        /** After a successful answer; {@code end} holds its totals. */
        void done(JsonValue.Obj end, PrintWriter out) {}

        /** Writes without println's flush: a listing of 100,000 messages is one write per buffer, not per line. */
        static void print(PrintWriter out, String text) {
            out.write(text);
        }
    }

    /** An action on one message that answers only "done": flush ID, hold, release, delete, bounce. */
    abstract static class OnMessage extends Action {
        @Parameters(paramLabel = "ID", converter = QueueIdConverter.class, description = "the message's queue id")
        QueueId id;

        abstract ControlRequest request();

        abstract String past();

        @Override
        ControlReply run(ControlClient client, PrintWriter out) throws IOException {
            return client.call(request(), line -> {});
        }

        @Override
        void done(JsonValue.Obj end, PrintWriter out) {
            out.println(json ? "{\"messages\":" + end.number("messages") + "}" : past() + " " + id);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the queued messages, like mailq: id, size, age, sender, each recipient's state.")
    static final class List extends Action {
        private final Instant now = Instant.now();

        @Override
        ControlReply run(ControlClient client, PrintWriter out) throws IOException {
            if (json) return client.call(new ControlRequest.Listing(), line -> {
                out.write(line);
                out.write('\n');
            });
            boolean[] first = {true};
            return client.call(new ControlRequest.Listing(), line -> {
                if (first[0]) print(out, QueueText.listHeader());
                first[0] = false;
                parse(line).ifPresent(entry -> print(out, QueueText.listEntry(entry, now)));
            });
        }

        @Override
        void done(JsonValue.Obj end, PrintWriter out) {
            if (!json) print(out, QueueText.listFooter(end.number("messages"), end.number("bytes")));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one message: envelope, attempts, next attempt, each recipient's state and last diagnostic.")
    static final class Show extends Action {
        @Parameters(paramLabel = "ID", converter = QueueIdConverter.class, description = "the message's queue id")
        QueueId id;

        @Override
        ControlReply run(ControlClient client, PrintWriter out) throws IOException {
            Instant now = Instant.now();
            return client.call(new ControlRequest.Show(id), line -> {
                if (json) print(out, line + "\n");
                else parse(line).ifPresent(entry -> print(out, QueueText.show(entry, now)));
            });
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Count the queued messages by destination domain and age (minutes), like qshape.")
    static final class Summary extends Action {
        @Override
        ControlReply run(ControlClient client, PrintWriter out) throws IOException {
            return client.call(new ControlRequest.Summary(), line -> {
                if (json) print(out, line + "\n");
                else parse(line).ifPresent(shape -> print(out, QueueText.summary(shape)));
            });
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = "Attempt delivery now: of every queued message, of one, or of those for a domain.")
    static final class Flush extends Action {
        static final class Target {
            @Parameters(paramLabel = "ID", converter = QueueIdConverter.class, description = "only this message")
            QueueId id;

            @Option(names = "--domain", paramLabel = "DOMAIN", converter = DomainConverter.class,
                    description = "only messages with a recipient at this domain")
            Domain domain;
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Target target;

        @Override
        ControlReply run(ControlClient client, PrintWriter out) throws IOException {
            FlushTarget flush = target == null ? new FlushTarget.All()
                    : target.id != null ? new FlushTarget.Message(target.id) : new FlushTarget.ToDomain(target.domain);
            return client.call(new ControlRequest.Flush(flush), line -> {});
        }

        @Override
        void done(JsonValue.Obj end, PrintWriter out) {
            long n = end.number("messages");
            out.println(json ? "{\"messages\":" + n + "}" : "flushed " + n + (n == 1 ? " message" : " messages"));
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true, description = "Keep a message queued but undelivered until released.")
    static final class Hold extends OnMessage {
        ControlRequest request() { return new ControlRequest.Hold(id); }

        String past() { return "held"; }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Release a held message for delivery.")
    static final class Release extends OnMessage {
        ControlRequest request() { return new ControlRequest.Release(id); }

        String past() { return "released"; }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a message from the queue, telling no one.")
    static final class Delete extends OnMessage {
        ControlRequest request() { return new ControlRequest.Delete(id); }

        String past() { return "deleted"; }
    }

    @Command(name = "bounce", mixinStandardHelpOptions = true,
            description = "Fail a message's pending recipients now and send the sender a delivery status notification.")
    static final class Bounce extends OnMessage {
        ControlRequest request() { return new ControlRequest.Bounce(id); }

        String past() { return "bounced"; }
    }

    private static Optional<JsonValue.Obj> parse(String line) {
        return Json.parse(line).filter(JsonValue.Obj.class::isInstance).map(JsonValue.Obj.class::cast);
    }

    static final class QueueIdConverter implements CommandLine.ITypeConverter<QueueId> {
        @Override
        public QueueId convert(String value) {
            try {
                return new QueueId(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("not a queue id: letters and digits only");
            }
        }
    }

    static final class DomainConverter implements CommandLine.ITypeConverter<Domain> {
        @Override
        public Domain convert(String value) {
            try {
                return Domain.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("not a domain: " + e.getMessage());
            }
        }
    }
}
