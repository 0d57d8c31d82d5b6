package dev.tern.app.sendmail;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.server.ReplyWriter;
import dev.tern.server.SmtpInput;
import dev.tern.smtp.ByteSink;
import dev.tern.smtp.ContentStage;
import dev.tern.smtp.DotDecoder;
import dev.tern.smtp.Next;
import dev.tern.smtp.RecipientPolicy;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import dev.tern.smtp.SecurityProfile;
import dev.tern.smtp.SessionSettings;
import dev.tern.smtp.SmtpSession;
import dev.tern.smtp.Step;
import dev.tern.smtp.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code tern sendmail -bs}: an SMTP session on standard input and output, as Postfix's {@code sendmail -bs} runs
 * its smtpd stand-alone. The session is the server's own state machine ({@link SmtpSession}, with its limits,
 * pipelining and replies); its client is the invoking Unix user, so there is no AUTH and no TLS. Each message
 * accepted at the end of DATA or the last BDAT chunk goes through the same path as {@code tern sendmail}'s one
 * message ({@link Submitter}): the submission socket, where the server records the user from the socket's peer
 * credentials and commits to the spool before the 250, or, when no server runs, the maildrop (fsynced before
 * the 250), as Postfix's postdrop. The server decides about the envelope; this side accepts any address.
 */
final class StandaloneSmtp {
    private final SessionSettings settings;
    private final Submitter submitter;
    private final PrintWriter err;

    /** {@code err} gets the details of a failure that the reply states only generically (standard error). */
    StandaloneSmtp(SessionSettings settings, Submitter submitter, PrintWriter err) {
        this.settings = settings;
        this.submitter = submitter;
        this.err = err;
    }

    /** Runs the session until QUIT, a closing 421 or the end of input. */
    void run(InputStream in, OutputStream out) throws IOException {
        ReplyWriter output = new ReplyWriter(out);
        SmtpInput input = new SmtpInput(in, output::flush);
        SmtpSession session = new SmtpSession(settings, ANY_ADDRESS, "127.0.0.1", SecurityProfile.PLAIN, this::open);
        try {
            Next next = send(output, session.greeting());
            while (!(next instanceof Next.Close)) {
                Step step = switch (next) {
                    case Next.ReadCommand c -> switch (input.readLine(1000)) { // RFC 5321 §4.5.3.1.4
                        case SmtpInput.Line.Text t -> session.command(t.text());
                        case SmtpInput.Line.TooLong t -> session.lineTooLong();
                        case SmtpInput.Line.Eof e -> null;
                    };
                    case Next.ReadData(DotDecoder decoder, ByteSink sink) -> {
                        output.flush(); // the 354 first (RFC 2920 §3.1)
                        input.readData(decoder, sink);
                        yield session.contentEnded();
                    }
                    case Next.ReadChunk(long octets, ByteSink sink) -> {
                        input.readExactly(octets, sink);
                        yield session.contentEnded();
                    }
                    case Next.DiscardChunk d -> {
                        input.readExactly(d.octets(), (b, off, len) -> { });
                        yield Step.reply(d.reply(), Next.COMMAND);
                    }
                    // Neither is offered (SecurityProfile.PLAIN), so the session never asks for them.
                    case Next.StartTls s -> throw new IllegalStateException("STARTTLS is not offered");
                    case Next.ReadAuthResponse r -> throw new IllegalStateException("AUTH is not offered");
                    case Next.Close c -> throw new IllegalStateException("unreachable");
                };
                if (step == null) break; // end of input: the client left without QUIT
                next = send(output, step);
            }
            output.flush();
        } catch (RuntimeException e) {
            // A bug: the client is told, as a connection of the server tells it, and the error propagates.
            output.add(Replies.INTERNAL_ERROR);
            output.flush();
            throw e;
        } finally {
            session.end();
        }
    }

    private static Next send(ReplyWriter output, Step step) {
        step.reply().ifPresent(output::add);
        return step.next();
    }

    /** The content of one transaction, kept in memory (the session's DotDecoder bounds it) until its end. */
    private ContentStage.Content open(ContentStage.Opening opening) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        return new ContentStage.Content() {
            @Override
            public void write(byte[] buffer, int offset, int length) {
                content.write(buffer, offset, length);
            }

            @Override
            public ContentStage.Stored store(Envelope envelope) {
                return StandaloneSmtp.this.store(envelope, content.toByteArray());
            }

            @Override
            public void discard() {
                content.reset();
            }
        };
    }

    private ContentStage.Stored store(Envelope envelope, byte[] message) {
        String from = switch (envelope.reversePath()) {
            case ReversePath.Sender(Mailbox m) -> m.toString();
            case ReversePath.Null n -> "<>";
        };
        List<Recipient> recipients = envelope.recipients();
        var request = new SubmitRequest(from, recipients.stream().map(r -> r.mailbox().toString()).toList(), "",
                List.of(), envelope.options().ret() == MailOptions.Ret.UNSPECIFIED ? ""
                        : envelope.options().ret().name().toLowerCase(Locale.ROOT),
                envelope.options().envId(), message.length,
                recipients.stream().map(r -> r.notifyOn().stream().map(Notify::name).toList()).toList());
        return switch (submitter.submit(request, message)) {
            case Submitter.Outcome.Queued(String id) -> new ContentStage.Stored.Queued(new QueueId(id));
            case Submitter.Outcome.Dropped d -> new ContentStage.Stored.Queued(new QueueId("maildrop"));
            case Submitter.Outcome.Refused(String kind, String text) -> new ContentStage.Stored.Refused(switch (kind) {
                case "usage" -> Reply.of(550, "5.1.3", "Refused: " + text);
                case "data" -> Reply.of(554, "5.6.0", "Refused: " + text);
                default -> {
                    err.println("sendmail: " + text); // may name paths: not for the reply
                    err.flush();
                    yield Reply.of(451, "4.3.0", "Not queued, try again later");
                }
            });
        };
    }

    /** Any address: the server decides when the message is submitted (sendmail relays for local users). */
    private static final RecipientPolicy ANY_ADDRESS = new RecipientPolicy() {
        @Override
        public Verdict recipient(Mailbox forwardPath, Optional<String> authenticatedUser) {
            return Verdict.ACCEPT;
        }

        @Override
        public Reply verify(String argument) {
            return Replies.CANNOT_VRFY;
        }

        @Override
        public Reply expand(String argument) {
            return Replies.NOT_IMPLEMENTED;
        }
    };
}
