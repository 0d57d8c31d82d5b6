package dev.tern.app.sendmail;

import dev.tern.app.Main;
import dev.tern.app.config.ConfigLoader;
import dev.tern.app.config.ConfigResult;
import dev.tern.smtp.SessionSettings;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tern sendmail}: the sendmail(1) command line programs call to send mail (docs/sendmail.md). Reads a
 * message on standard input and submits it through the server's local submission socket ({@link SubmitServer}),
 * which records the invoking Unix user; {@code -bp} lists the queue and {@code -q} flushes it (as
 * {@code tern queue list|flush}); {@code -bs} speaks SMTP on standard input and output ({@link StandaloneSmtp}).
 *
 * <p>Exit codes are sendmail's (sysexits.h): 0 queued; 64 EX_USAGE a wrong command line or address;
 * 65 EX_DATAERR unreadable input; 75 EX_TEMPFAIL the server is not running or could not queue it (try again).
 */
@Command(name = "sendmail", exitCodeOnInvalidInput = SendmailCommand.EX_USAGE,
        description = "Send a message read on standard input, as sendmail(1) does.")
public final class SendmailCommand implements Callable<Integer> {
    static final int EX_USAGE = 64;
    static final int EX_DATAERR = 65;
    static final int EX_SOFTWARE = 70;
    static final int EX_TEMPFAIL = 75;
    /** The most octets read from standard input; the server enforces its own (smaller) limit as well. */
    static final long MAX_INPUT = 512L * 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RECIPIENT", description = "the recipients (with -t, added to those in the header)")
    List<String> recipients = new ArrayList<>();

    @Option(names = "-t", description = "take the recipients from To:, Cc: and Bcc: and remove Bcc:")
    boolean fromHeader;

    @Option(names = {"-i", "-oi"}, description = "a line holding a lone dot does not end the input")
    boolean ignoreDots;

    @Option(names = {"-f", "-r"}, paramLabel = "ADDR", description = "the envelope sender (default: you at the server's hostname)")
    String from = "";

    @Option(names = "-F", paramLabel = "NAME", description = "the full name for a From: field added when there is none")
    String fullName = "";

    @Option(names = "-N", paramLabel = "DSN", split = ",", description = "DSN NOTIFY: never, or success,delay,failure")
    List<String> notify = new ArrayList<>();

    @Option(names = "-R", paramLabel = "RET", description = "DSN RET: full or hdrs")
    String ret = "";

    @Option(names = "-V", paramLabel = "ENVID", description = "DSN ENVID")
    String envid = "";

    @Option(names = "-bp", description = "list the queue (as mailq)")
    boolean listQueue;

    @Option(names = "-q", description = "flush the queue: try every deferred message now")
    boolean flush;

    @Option(names = "-bs", description = "speak SMTP on standard input and output (each message submitted as you)")
    boolean smtp;

    @Option(names = "-bm", description = "read a message and send it (the default)")
    boolean deliverMode;

    @Option(names = "--data", paramLabel = "DIR", description = "the data directory (default: ./data)")
    Path data;

    @Option(names = {"-C", "--config"}, paramLabel = "FILE", description = "take the data directory from this config file")
    Path config;

    /** Historic options that change nothing here, accepted and ignored as Postfix does. */
    @Option(names = {"-v", "-n", "-U", "-m", "-om", "-oem", "-oee", "-oep", "-oeq", "-oew", "-odb", "-odi", "-odq",
            "-odd", "-os", "-ou"}, hidden = true)
    boolean[] ignored = new boolean[0];

    @Option(names = {"-o", "-O", "-B", "-L", "-X", "-h"}, paramLabel = "VALUE", hidden = true, description = "ignored")
    List<String> ignoredWithValue = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Path dataDirectory = dataDirectory(err);
        if (dataDirectory == null) return EX_USAGE;
        if (listQueue) return queue(err, "list", dataDirectory);
        if (flush) return queue(err, "flush", dataDirectory);
        if (smtp) {
            try {
                // Standard output itself, not System.out: a PrintStream swallows write errors, and the session
                // would go on taking messages whose replies nobody reads.
                new StandaloneSmtp(sessionSettings(), new Submitter(dataDirectory), err)
                        .run(System.in, new FileOutputStream(FileDescriptor.out));
                return 0;
            } catch (IOException e) {
                err.println("sendmail: the SMTP session ended: " + e.getMessage()); // the client went away
                return EX_TEMPFAIL;
            }
        }
        Submission submission;
        try {
            submission = Submission.read(System.in, recipients, !ignoreDots, fromHeader, MAX_INPUT);
        } catch (Submission.BadInput e) {
            err.println("sendmail: " + e.getMessage());
            return e.getMessage().startsWith("no recipients") ? EX_USAGE : EX_DATAERR;
        }
        var request = new SubmitRequest(from, submission.recipients(), fullName, notify, ret, envid,
                submission.message().length);
        return submit(err, dataDirectory, request, submission.message());
    }

    private static int submit(PrintWriter err, Path dataDirectory, SubmitRequest request, byte[] message) {
        return switch (new Submitter(dataDirectory).submit(request, message)) {
            case Submitter.Outcome.Queued q -> 0;
            case Submitter.Outcome.Dropped d -> 0;
            case Submitter.Outcome.Refused(String kind, String text) -> {
                err.println("sendmail: " + text);
                yield switch (kind) {
                    case "usage" -> EX_USAGE;
                    case "data" -> EX_DATAERR;
                    default -> EX_TEMPFAIL;
                };
            }
        };
    }

    private int queue(PrintWriter err, String action, Path dataDirectory) {
        PrintWriter out = spec.commandLine().getOut();
        int code = Main.run(out, err, "queue", action, "--data", dataDirectory.toString());
        return code == 0 ? 0 : code == EX_TEMPFAIL ? EX_TEMPFAIL : EX_SOFTWARE;
    }

    /** The greeting's hostname and the session's limits: the config's when {@code -C} names one. */
    private SessionSettings sessionSettings() {
        if (config != null && ConfigLoader.load(config) instanceof ConfigResult.Loaded loaded) {
            return loaded.config().session();
        }
        return SessionSettings.defaults();
    }

    private Path dataDirectory(PrintWriter err) {
        if (config == null) return data == null ? Path.of("data") : data;
        return switch (ConfigLoader.load(config)) {
            case ConfigResult.Loaded loaded -> loaded.config().dataDirectory();
            case ConfigResult.Invalid invalid -> {
                err.println("sendmail: " + config + " is not a valid configuration");
                yield null;
            }
        };
    }
}
